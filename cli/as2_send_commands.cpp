// `payload as2 send` and `payload as2 status`: sending files to a partner configured in
// an as2d configuration file (the same station, partners and store as the daemon), and
// where a sent message stands.
#include <filesystem>
#include <iostream>
#include <memory>

#include <config_loader.h>
#include <config_values.h>
#include <outbound_store.h>
#include <partners.h>
#include <sender.h>
#include <station_keys.h>

#include <payload/io/file.h>

#include "as2_support.h"
#include "commands.h"
#include "common.h"

namespace payload::cli {
namespace {


struct Station {
  as2d::Config config;
  std::shared_ptr<const as2d::PartnerTable> partners;
  as2d::StationKeys keys;
  std::unique_ptr<as2d::OutboundStore> store;
};

Result<Station> open_station(as2d::Config config, bool with_keys) {
  Station station;
  station.config = std::move(config);
  const std::string source = station.config.file.empty() ? std::string("the command line") : station.config.file.string();
  if (with_keys) {
    auto partners = as2d::PartnerTable::load(station.config);
    if (!partners) return fail(partners.error().with_context(source));
    station.partners = std::move(*partners);
    auto keys = as2d::load_station_keys(station.config.station);
    if (!keys) return fail(keys.error().with_context(source));
    station.keys = std::move(*keys);
  }
  std::error_code ec;
  std::filesystem::create_directories(station.config.station.data_dir, ec);
  if (ec) return fail(Errc::io, station.config.station.data_dir.string() + ": " + ec.message());
  auto store = as2d::OutboundStore::open(station.config.station.data_dir / "as2d.sqlite");
  if (!store) return fail(store.error());
  station.store = std::move(*store);
  return station;
}

Result<Station> open_station(const std::string& config_file, bool with_keys) {
  auto config = as2d::load_config(config_file);
  if (!config) return fail(config.error());
  return open_station(std::move(*config), with_keys);
}

// Everything on the command line instead of a configuration file: one station, one
// partner named "command-line", the store in --data-dir.
struct DirectArgs {
  std::string url, from, to, key, cert, ca, user, password_env, password_file, data_dir;
  std::vector<std::string> partner_certs;
  std::string sign = "sha-256", encrypt = "aes-256-cbc", compress = "none", mdn_sign, content_type;
  std::vector<std::string> mdn{"sync"};
  [[nodiscard]] bool given() const { return !url.empty() || !from.empty() || !to.empty(); }
};

std::filesystem::path default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "payload" / "as2";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : "/tmp") / ".local" / "share" / "payload" / "as2";
}

Result<std::string> password_from(const DirectArgs& a) {
  if (!a.password_env.empty()) {
    const char* value = std::getenv(a.password_env.c_str());
    if (value == nullptr || *value == '\0') return fail(Errc::usage, "--password-env: " + a.password_env + " is not set");
    return std::string(value);
  }
  auto bytes = io::read_file(a.password_file);
  if (!bytes) return fail(bytes.error());
  std::string value = std::move(*bytes);
  if (const auto nl = value.find_first_of("\r\n"); nl != std::string::npos) value.erase(nl);
  return value;
}

Result<as2d::Config> direct_config(const DirectArgs& a, const CommonOptions& common) {
  if (a.url.empty() || a.from.empty() || a.to.empty()) return fail(Errc::usage, "--url, --from and --to go together");
  if (a.key.empty() || a.cert.empty()) return fail(Errc::usage, "our identity: give --key and --cert");
  if (a.partner_certs.empty()) return fail(Errc::usage, "give the partner's certificate with --partner-cert");
  as2d::Config config;
  auto& station = config.station;
  station.as2_id = a.from;
  station.key = a.key;
  station.cert = a.cert;
  auto passphrase = load_passphrase(common);
  if (!passphrase) return fail(passphrase.error());
  if (*passphrase) station.key_passphrase = std::move(**passphrase);
  station.data_dir = a.data_dir.empty() ? default_data_dir() : std::filesystem::path(a.data_dir);

  as2d::PartnerConfig partner;
  partner.name = "command-line";
  partner.as2_id = a.to;
  for (const auto& cert : a.partner_certs) partner.certs.emplace_back(cert);
  partner.url = a.url;
  partner.allowed_digests = as2d::default_digests();
  partner.allowed_ciphers = as2d::default_ciphers();
  if (a.sign == "none") {
    partner.sign.reset();
  } else {
    auto digest = parse_as2_digest(a.sign);
    if (!digest) return fail(digest.error());
    if (cms::is_legacy(*digest)) return fail(Errc::usage, "--sign " + a.sign + ": MD5 and SHA-1 need a partner configuration that lists them");
    partner.sign = *digest;
  }
  if (a.encrypt == "none") {
    partner.encrypt.reset();
  } else {
    auto cipher = as2d::parse_cipher(a.encrypt);
    if (!cipher) return fail(Error(Errc::usage, "--encrypt: " + cipher.error().message()));
    if (*cipher == cms::ContentCipher::des_ede3_cbc) return fail(Errc::usage, "--encrypt 3des needs a partner configuration that lists it");
    partner.encrypt = *cipher;
  }
  if (a.compress == "none") partner.compress = as2::Compression::none;
  else if (a.compress == "before-sign") partner.compress = as2::Compression::before_signing;
  else if (a.compress == "after-sign") partner.compress = as2::Compression::after_signing;
  else return fail(Errc::usage, "--compress " + a.compress + ": expected none, before-sign or after-sign");
  const auto& mdn = a.mdn;
  if (mdn.empty() || (mdn[0] != "sync" && mdn[0] != "none" && mdn[0] != "async") || (mdn[0] == "async") != (mdn.size() == 2))
    return fail(Errc::usage, "--mdn: sync, none or async URL");
  partner.mdn = mdn[0] == "sync" ? as2d::MdnMode::sync : mdn[0] == "none" ? as2d::MdnMode::none : as2d::MdnMode::async;
  if (partner.mdn == as2d::MdnMode::async) station.mdn_url = mdn[1];
  if (a.mdn_sign == "none") {
    partner.mdn_sign.clear();
  } else if (!a.mdn_sign.empty()) {
    auto digests = as2d::parse_digest_list(a.mdn_sign);
    if (!digests) return fail(Error(Errc::usage, "--mdn-sign: " + digests.error().message()));
    partner.mdn_sign = *digests;
  } else {
    partner.mdn_sign = {partner.sign.value_or(cms::DigestAlg::sha256)};
  }
  if (!a.content_type.empty()) partner.content_type = a.content_type;
  if (!a.ca.empty()) partner.tls_ca = a.ca;
  if (!a.user.empty()) {
    if (a.password_env.empty() == a.password_file.empty())
      return fail(Errc::usage, "--user needs the password from --password-env or --password-file");
    auto password = password_from(a);
    if (!password) return fail(password.error());
    partner.send_auth = std::make_pair(a.user, as2d::Secret(*password));
  }
  config.partners.push_back(std::move(partner));
  return config;
}

Result<Station> open_direct_station(const DirectArgs& args, const CommonOptions& common) {
  auto config = direct_config(args, common);
  if (!config) return fail(config.error());
  return open_station(std::move(*config), true);
}

// docs/exit-codes.md: one code per way a send can end.
int exit_code_for(as2d::SendState state) {
  switch (state) {
    case as2d::SendState::processed:
    case as2d::SendState::delivered:
    case as2d::SendState::awaiting_mdn: return exit_ok;
    case as2d::SendState::negative: return exit_negative_disposition;
    case as2d::SendState::mic_mismatch: return exit_mic_mismatch;
    case as2d::SendState::bad_mdn: return exit_bad_signature;
    case as2d::SendState::queued:
    case as2d::SendState::sending:
    case as2d::SendState::given_up:
    case as2d::SendState::transport_failed:
    case as2d::SendState::http_error: return exit_transport;
  }
  return exit_internal;
}

// The `error` names of docs/exit-codes.md for the codes a send ends with.
std::string_view exit_code_name(int code) {
  switch (code) {
    case exit_negative_disposition: return "negative_disposition";
    case exit_mic_mismatch: return "mic_mismatch";
    case exit_bad_signature: return "bad_signature";
    case exit_transport: return "transport";
    default: return "internal";
  }
}

Poco::JSON::Object::Ptr record_json(const as2d::OutboundRecord& r) {
  auto o = json_object();
  o->set("message_id", r.message_id);
  o->set("partner", r.partner);
  o->set("file", r.file);
  o->set("size", static_cast<Poco::UInt64>(r.size));
  o->set("mic", r.mic);
  o->set("mdn", r.mdn_mode);
  o->set("state", std::string(as2d::send_state_name(r.state)));
  o->set("created_at", r.created_at);
  o->set("sent_at", r.sent_at);
  o->set("attempts", r.attempts);
  o->set("http_status", r.http_status);
  o->set("disposition", r.disposition);
  o->set("reason", r.error);
  return o;
}

void print_record(const as2d::OutboundRecord& r, std::ostream& out) {
  out << "message-id: " << r.message_id << "\n"
      << "partner: " << r.partner << "\n"
      << "file: " << r.file << " (" << r.size << " bytes)\n"
      << "state: " << as2d::send_state_name(r.state) << "\n"
      << "mic: " << r.mic << "\n"
      << "mdn: " << r.mdn_mode << "\n"
      << "attempts: " << r.attempts << ", last answer " << (r.sent_at.empty() ? "none" : r.sent_at)
      << (r.http_status ? ", HTTP " + std::to_string(r.http_status) : std::string()) << "\n";
  if (!r.disposition.empty()) out << "disposition: " << r.disposition << "\n";
  if (!r.error.empty()) out << "error: " << r.error << "\n";
}

// ---- send ---------------------------------------------------------------------------

struct SendArgs {
  CommonOptions common;
  DirectArgs direct;
  std::string config;
  std::string partner;
  std::vector<std::string> files;
  std::string message_id;
  std::string subject;
};

int run_send(SendArgs args) {
  // `--mdn` takes one value, or two after "async": CLI11 hands over two greedily, so
  // `--mdn sync FILE` puts FILE into the list; give it back to the files.
  if (auto& mdn = args.direct.mdn; mdn.size() == 2 && mdn[0] != "async") {
    args.files.insert(args.files.begin(), mdn[1]);
    mdn.resize(1);
  }
  if (args.files.empty()) return report_error(Error(Errc::usage, "name the FILE(s) to send"), args.common);
  if (!args.message_id.empty() && args.files.size() != 1)
    return report_error(Error(Errc::usage, "--message-id resends one file"), args.common);
  if (args.direct.given() == !args.config.empty())
    return report_error(Error(Errc::usage, "give --config and --partner, or --url, --from and --to"), args.common);
  if (!args.config.empty() && args.partner.empty())
    return report_error(Error(Errc::usage, "--config needs --partner NAME"), args.common);
  auto station = args.direct.given() ? open_direct_station(args.direct, args.common) : open_station(args.config, true);
  if (!station) return report_error(station.error(), args.common);
  const std::string partner_name = args.direct.given() ? std::string("command-line") : args.partner;
  const as2d::Partner* partner = nullptr;
  for (const auto& p : station->partners->all()) {
    if (p.config.name == partner_name) partner = &p;
  }
  if (partner == nullptr)
    return report_error(Error(Errc::usage, args.config + ": no [partner." + args.partner + "]"), args.common);

  as2d::SendContext context{station->config.station, station->keys, *partner, *station->store};
  as2d::SendOptions options;
  options.message_id = args.message_id;
  options.subject = args.subject;
  int result = exit_ok;
  for (const auto& file : args.files) {
    ProgressBar bar(args.common, "sending " + std::filesystem::path(file).filename().string());
    options.progress = bar.callback();
    auto sent = as2d::send_file(context, file, options);
    int code = exit_ok;
    if (!sent) {
      code = report_error(sent.error(), args.common);
    } else {
      const auto& r = sent->record;
      code = exit_code_for(r.state);
      if (args.common.json) {
        auto o = record_json(r);
        o->set("ok", code == exit_ok);
        if (code != exit_ok) {
          o->set("error", std::string(exit_code_name(code)));
          o->set("message", file + ": " + std::string(as2d::send_state_name(r.state)) + ": " + r.error);
        }
        o->set("exit_code", code);
        print_json(o);
      } else if (!args.common.quiet) {
        std::cout << file << ": " << as2d::send_state_name(r.state) << " (" << r.message_id << ", MIC " << r.mic << ")\n"
                  << std::flush;
      }
      if (code != exit_ok) std::cerr << "payload: " << file << ": " << as2d::send_state_name(r.state) << ": " << r.error << std::endl;
    }
    if (result == exit_ok) result = code;  // the first failure decides
  }
  return result;
}

// ---- status -------------------------------------------------------------------------

struct StatusArgs {
  CommonOptions common;
  std::string config;
  std::string data_dir;
  std::string message_id;
  std::string mdn_out;
  bool force = false;
};

int run_status(const StatusArgs& args) {
  if (!args.config.empty() && !args.data_dir.empty())
    return report_error(Error(Errc::usage, "give --config or --data-dir, not both"), args.common);
  std::unique_ptr<as2d::OutboundStore> store;
  if (!args.config.empty()) {
    auto station = open_station(args.config, false);
    if (!station) return report_error(station.error(), args.common);
    store = std::move(station->store);
  } else {
    const auto dir = args.data_dir.empty() ? default_data_dir() : std::filesystem::path(args.data_dir);
    auto opened = as2d::OutboundStore::open(dir / "as2d.sqlite");
    if (!opened) return report_error(opened.error(), args.common);
    store = std::move(*opened);
  }
  auto found = store->find(args.message_id);
  if (!found) return report_error(found.error(), args.common);
  if (!*found) return report_error(Error(Errc::usage, args.message_id + ": no message sent with this Message-ID"), args.common);
  const auto& r = **found;
  if (!args.mdn_out.empty()) {
    if (!r.mdn) return report_error(Error(Errc::usage, args.message_id + ": no MDN has come for this message"), args.common);
    if (auto written = write_output(args.mdn_out, *r.mdn, args.force); !written)
      return report_error(written.error(), args.common);
  }
  if (args.common.json) {
    auto o = record_json(r);
    o->set("ok", true);
    o->set("exit_code", 0);
    print_json(o);
  } else if (!args.common.quiet) {
    print_record(r, std::cout);
    std::cout << std::flush;
  }
  return exit_ok;
}

}  // namespace

void register_as2_send_commands(CLI::App& as2, int& exit_code) {
  auto s = std::make_shared<SendArgs>();
  auto* send = as2.add_subcommand("send", "Send files to a partner of an as2d configuration and check the MDN");
  send->add_option("--config", s->config, "The as2d configuration file (station, partners, data_dir)");
  send->add_option("--partner", s->partner, "With --config: NAME of the partner's [partner.NAME] section");
  auto& d = s->direct;
  send->add_option("--url", d.url, "Without --config: the partner's AS2 URL (http:// or https://)");
  send->add_option("--from", d.from, "Without --config: our AS2 id");
  send->add_option("--to", d.to, "Without --config: the partner's AS2 id");
  send->add_option("--key", d.key, "Without --config: our private key (PEM)");
  send->add_option("--cert", d.cert, "Without --config: our certificate (PEM)");
  send->add_option("--partner-cert", d.partner_certs, "Without --config: the partner's certificate(s) (repeatable)")->allow_extra_args(false);
  send->add_option("--sign", d.sign, "sha-256 (default), sha-384, sha-512, sha-224 or none");
  send->add_option("--encrypt", d.encrypt, "aes-256-cbc (default), aes-128-cbc, aes-192-cbc, aes-128-gcm, aes-256-gcm or none");
  send->add_option("--compress", d.compress, "none (default), before-sign, after-sign");
  send->add_option("--mdn", d.mdn, "sync (default), none, or async URL (where the partner POSTs the receipt)")->expected(1, 2)->allow_extra_args(false);
  send->add_option("--mdn-sign", d.mdn_sign, "The signed receipt's MIC algorithm(s), comma-separated (default: the --sign digest), or none");
  send->add_option("--content-type", d.content_type, "The payload's Content-Type (default application/octet-stream)");
  send->add_option("--ca", d.ca, "CA certificates (PEM) the partner's https URL must chain to (default: the system's)");
  send->add_option("--user", d.user, "HTTP basic authentication user");
  send->add_option("--password-env", d.password_env, "... its password from this environment variable");
  send->add_option("--password-file", d.password_file, "... its password from the first line of this file");
  send->add_option("--data-dir", d.data_dir, "Without --config: where the store is (default ~/.local/share/payload/as2)");
  send->add_option("files", s->files, "The files to send, one message each");
  send->add_option("--message-id", s->message_id, "Resend one file under this Message-ID (brackets included)");
  send->add_option("--subject", s->subject, "Subject (default \"AS2 message FILENAME\")");
  add_common_options(*send, s->common, true);
  send->callback([s, &exit_code] { exit_code = run_send(*s); });

  auto t = std::make_shared<StatusArgs>();
  auto* status = as2.add_subcommand("status", "Where a sent message stands (from the store)");
  status->add_option("--config", t->config, "The as2d configuration file");
  status->add_option("--data-dir", t->data_dir, "Or the store's directory (default ~/.local/share/payload/as2)");
  status->add_option("message-id", t->message_id, "The Message-ID (brackets optional)")->required();
  status->add_option("--mdn-out", t->mdn_out, "Write the MDN received (wire form) to this file");
  status->add_flag("-f,--force", t->force, "Replace an existing --mdn-out file");
  add_common_options(*status, t->common, false);
  status->callback([t, &exit_code] { exit_code = run_status(*t); });
}

}  // namespace payload::cli
