// `payload pgp key generate | import | export | list | delete`.
#include <ctime>
#include <iostream>
#include <regex>

#include <Poco/JSON/Array.h>

#include <payload/pgp/keys.h>

#include "commands.h"
#include "common.h"

namespace payload::cli {
namespace {

// "never", "0", "90d", "12w", "6m", "2y" or an ISO date "2027-12-31" -> seconds from now.
Result<std::int64_t> parse_expiry(const std::string& text) {
  if (text.empty() || text == "never" || text == "0") return 0;
  std::smatch m;
  if (std::regex_match(text, m, std::regex(R"((\d+)([dwmy]))"))) {
    const std::int64_t n = std::stoll(m[1]);
    const std::int64_t day = 86400;
    const char unit = m[2].str()[0];
    return n * (unit == 'd' ? day : unit == 'w' ? 7 * day : unit == 'm' ? 30 * day : 365 * day);
  }
  if (std::regex_match(text, m, std::regex(R"((\d{4})-(\d{2})-(\d{2}))"))) {
    std::tm tm{};
    tm.tm_year = std::stoi(m[1]) - 1900;
    tm.tm_mon = std::stoi(m[2]) - 1;
    tm.tm_mday = std::stoi(m[3]);
    const std::int64_t at = static_cast<std::int64_t>(::timegm(&tm));
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    if (at <= now) return fail(Errc::usage, "expiry date " + text + " is not in the future");
    return at - now;
  }
  return fail(Errc::usage, "cannot read expiry '" + text + "' (use never, 90d, 12w, 6m, 2y or YYYY-MM-DD)");
}

Poco::JSON::Object::Ptr key_json(const pgp::KeyInfo& key) {
  auto o = json_object();
  o->set("fingerprint", key.fingerprint);
  Poco::JSON::Array::Ptr uids = new Poco::JSON::Array;
  for (const auto& uid : key.user_ids) uids->add(uid);
  o->set("user_ids", uids);
  o->set("algorithm", key.algorithm);
  o->set("length", key.length);
  o->set("created", iso_time(key.created));
  o->set("expires", iso_time(key.expires));
  o->set("capabilities", key.capabilities);
  o->set("secret", key.secret);
  o->set("revoked", key.revoked);
  o->set("expired", key.expired);
  Poco::JSON::Array::Ptr subkeys = new Poco::JSON::Array;
  for (const auto& s : key.subkeys) {
    auto so = json_object();
    so->set("fingerprint", s.fingerprint);
    so->set("algorithm", s.algorithm);
    so->set("length", s.length);
    so->set("created", iso_time(s.created));
    so->set("expires", iso_time(s.expires));
    so->set("capabilities", s.capabilities);
    so->set("secret", s.secret);
    so->set("revoked", s.revoked);
    so->set("expired", s.expired);
    subkeys->add(so);
  }
  o->set("subkeys", subkeys);
  return o;
}

void print_key(const pgp::KeyInfo& key) {
  std::cout << (key.secret ? "sec " : "pub ") << key.algorithm << " " << key.fingerprint << " [" << key.capabilities << "]"
            << " created " << iso_time(key.created);
  if (key.expires) std::cout << (key.expired ? " expired " : " expires ") << iso_time(key.expires);
  if (key.revoked) std::cout << " revoked";
  std::cout << "\n";
  for (const auto& uid : key.user_ids) std::cout << "    uid " << uid << "\n";
  for (size_t i = 1; i < key.subkeys.size(); ++i) {
    const auto& s = key.subkeys[i];
    std::cout << "    sub " << s.algorithm << " " << s.fingerprint << " [" << s.capabilities << "]"
              << " created " << iso_time(s.created);
    if (s.expires) std::cout << (s.expired ? " expired " : " expires ") << iso_time(s.expires);
    if (s.revoked) std::cout << " revoked";
    std::cout << "\n";
  }
}

struct GenerateArgs {
  CommonOptions common;
  std::string user_id;
  std::string type = "rsa3072";
  std::string expires = "never";
  bool signing_only = false;
};

int run_generate(const GenerateArgs& args) {
  const auto type = pgp::parse_key_type(args.type);
  if (!type) return report_error(Error(Errc::usage, "unknown key type " + args.type + " (rsa2048, rsa3072, rsa4096, ed25519)"), args.common);
  auto expiry = parse_expiry(args.expires);
  if (!expiry) return report_error(expiry.error(), args.common);
  auto passphrase = load_passphrase(args.common);
  if (!passphrase) return report_error(passphrase.error(), args.common);
  auto keyring = open_keyring(args.common);
  if (!keyring) return report_error(keyring.error(), args.common);
  pgp::GenerateOptions options;
  options.user_id = args.user_id;
  options.type = *type;
  options.expires_in_seconds = *expiry;
  options.passphrase = *passphrase;
  options.signing_only = args.signing_only;
  auto key = pgp::generate_key(*keyring, options);
  if (!key) return report_error(key.error(), args.common);
  if (args.common.json) print_json(key_json(*key));
  else print_key(*key);
  if (!options.passphrase && !args.common.quiet)
    std::cerr << "payload: note: the secret key is not protected by a passphrase; keep " << keyring->home().string() << " private\n";
  return exit_ok;
}

struct ImportArgs {
  CommonOptions common;
  std::vector<std::string> files;
};

int run_import(const ImportArgs& args) {
  auto passphrase = load_passphrase(args.common);
  if (!passphrase) return report_error(passphrase.error(), args.common);
  auto keyring = open_keyring(args.common);
  if (!keyring) return report_error(keyring.error(), args.common);
  Poco::JSON::Array::Ptr results = new Poco::JSON::Array;
  const auto files = args.files.empty() ? std::vector<std::string>{"-"} : args.files;
  for (const auto& file : files) {
    auto in = open_input(file);
    if (!in) return report_error(in.error(), args.common);
    auto bytes = io::read_all(in->input().fd);
    if (!bytes) return report_error(bytes.error().with_context(file), args.common);
    const Secret key_data(std::move(*bytes));  // may be secret keys: wiped when done
    auto report = pgp::import_keys(*keyring, key_data, *passphrase);
    if (!report) return report_error(report.error().with_context(file == "-" ? "standard input" : file), args.common);
    if (args.common.json) {
      auto o = json_object();
      o->set("file", file);
      o->set("considered", report->considered);
      o->set("imported", report->imported);
      o->set("unchanged", report->unchanged);
      o->set("secret_imported", report->secret_imported);
      Poco::JSON::Array::Ptr fprs = new Poco::JSON::Array;
      for (const auto& f : report->fingerprints) fprs->add(f);
      o->set("fingerprints", fprs);
      results->add(o);
    } else {
      for (const auto& f : report->fingerprints) std::cout << "imported " << f << "\n";
    }
  }
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("imports", results);
    print_json(o);
  }
  return exit_ok;
}

struct ExportArgs {
  CommonOptions common;
  std::vector<std::string> patterns;
  bool secret = false;
  bool binary = false;
  std::string output;
  bool force = false;
};

int run_export(const ExportArgs& args) {
  auto passphrase = load_passphrase(args.common);
  if (!passphrase) return report_error(passphrase.error(), args.common);
  auto keyring = open_keyring(args.common);
  if (!keyring) return report_error(keyring.error(), args.common);
  pgp::ExportOptions options;
  options.patterns = args.patterns;
  options.secret = args.secret;
  options.armor = !args.binary;
  options.passphrase = *passphrase;
  auto exported = pgp::export_keys(*keyring, options);
  if (!exported) return report_error(exported.error(), args.common);
  const std::optional<Secret> bytes(std::move(*exported));  // secret keys with --secret: wiped when done
  if (args.common.json && (args.output.empty() || args.output == "-")) {
    // stdout carries the JSON result, so the key travels inside it.
    if (args.binary) return report_error(Error(Errc::usage, "--json with --binary needs -o FILE"), args.common);
    auto o = json_object();
    o->set("ok", true);
    o->set("secret", args.secret);
    o->set("key", bytes->str());  // POCO's JSON copy is not wiped
    print_json(o);
    return exit_ok;
  }
  auto target = OutputTarget::open(args.output, args.force, false);
  if (!target) return report_error(target.error(), args.common);
  if (auto status = io::write_all(target->output().fd, bytes->view()); !status) return report_error(status.error().with_context(target->name()), args.common);
  if (auto status = target->commit(); !status) return report_error(status.error(), args.common);
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("secret", args.secret);
    o->set("output", target->name());
    o->set("bytes", bytes->size());
    print_json(o);
  }
  return exit_ok;
}

struct ListArgs {
  CommonOptions common;
  std::vector<std::string> patterns;
  bool secret = false;
};

int run_list(const ListArgs& args) {
  auto keyring = open_keyring(args.common);
  if (!keyring) return report_error(keyring.error(), args.common);
  auto keys = pgp::list_keys(*keyring, args.patterns, args.secret);
  if (!keys) return report_error(keys.error(), args.common);
  if (args.common.json) {
    auto o = json_object();
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& key : *keys) array->add(key_json(key));
    o->set("keys", array);
    print_json(o);
  } else {
    for (const auto& key : *keys) print_key(key);
  }
  return exit_ok;
}

struct DeleteArgs {
  CommonOptions common;
  std::vector<std::string> selectors;
  bool secret = false;
};

int run_delete(const DeleteArgs& args) {
  auto keyring = open_keyring(args.common);
  if (!keyring) return report_error(keyring.error(), args.common);
  for (const auto& selector : args.selectors) {
    if (auto status = pgp::delete_key(*keyring, selector, args.secret); !status) return report_error(status.error(), args.common);
    if (!args.common.quiet && !args.common.json) std::cerr << "payload: deleted " << selector << "\n";
  }
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    print_json(o);
  }
  return exit_ok;
}

}  // namespace

void register_pgp_key_commands(CLI::App& pgp, int& exit_code) {
  auto* key = pgp.add_subcommand("key", "Manage the keys in a keyring");
  key->require_subcommand(1);

  auto generate_args = std::make_shared<GenerateArgs>();
  auto* generate = key->add_subcommand("generate", "Generate a key pair (passphrase from --passphrase-file/-fd/-env; none: unprotected)");
  generate->add_option("-u,--uid", generate_args->user_id, "User id, e.g. \"ACME EDI <edi@acme.example>\"")->required();
  generate->add_option("-t,--type", generate_args->type, "rsa2048, rsa3072 (default), rsa4096 or ed25519 (with a cv25519 subkey)");
  generate->add_option("-e,--expires", generate_args->expires, "never (default), 90d, 12w, 6m, 2y or YYYY-MM-DD");
  generate->add_flag("--signing-only", generate_args->signing_only, "No encryption subkey");
  add_common_options(*generate, generate_args->common, true);
  generate->callback([generate_args, &exit_code] { exit_code = run_generate(*generate_args); });

  auto import_args = std::make_shared<ImportArgs>();
  auto* import = key->add_subcommand("import", "Import armored or binary keys from files or stdin");
  import->add_option("files", import_args->files, "Key files; - or none for stdin");
  add_common_options(*import, import_args->common, true);
  import->callback([import_args, &exit_code] { exit_code = run_import(*import_args); });

  auto export_args = std::make_shared<ExportArgs>();
  auto* exp = key->add_subcommand("export", "Export public keys (secret keys only with --secret)");
  exp->add_option("patterns", export_args->patterns, "Fingerprints, key ids or e-mail addresses; none: all");
  exp->add_flag("--secret", export_args->secret, "Export the secret keys");
  exp->add_flag("--binary", export_args->binary, "Binary instead of ASCII armor");
  exp->add_option("-o,--output", export_args->output, "Output file (default: stdout)");
  exp->add_flag("-f,--force", export_args->force, "Replace an existing output file");
  add_common_options(*exp, export_args->common, true);
  exp->callback([export_args, &exit_code] { exit_code = run_export(*export_args); });

  auto list_args = std::make_shared<ListArgs>();
  auto* list = key->add_subcommand("list", "List keys: fingerprint, user ids, algorithm, dates, capabilities");
  list->add_option("patterns", list_args->patterns, "Fingerprints, key ids or e-mail addresses; none: all");
  list->add_flag("--secret", list_args->secret, "Only keys with a secret part");
  add_common_options(*list, list_args->common, false);
  list->callback([list_args, &exit_code] { exit_code = run_list(*list_args); });

  auto delete_args = std::make_shared<DeleteArgs>();
  auto* del = key->add_subcommand("delete", "Delete keys (with a secret part only with --secret)");
  del->add_option("selectors", delete_args->selectors, "Fingerprints of the keys")->required();
  del->add_flag("--secret", delete_args->secret, "Also delete secret keys");
  add_common_options(*del, delete_args->common, false);
  del->callback([delete_args, &exit_code] { exit_code = run_delete(*delete_args); });
}

}  // namespace payload::cli
