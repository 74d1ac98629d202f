// `payload pgp sign` and `payload pgp verify`.
#include <iostream>

#include <Poco/JSON/Array.h>

#include <payload/pgp/keys.h>
#include <payload/pgp/signature.h>

#include "commands.h"
#include "common.h"

namespace payload::cli {
namespace {

struct SignArgs {
  CommonOptions common;
  std::string input = "-";
  std::string output;
  bool force = false;
  std::vector<std::string> signers;
  bool clearsign = false;
  bool inline_sign = false;
  bool armor = false;
  bool text = false;
  std::string digest = "SHA256";
};

std::string default_sign_output(const SignArgs& args) {
  if (args.input == "-") return "-";
  if (args.clearsign) return args.input + ".asc";
  if (args.inline_sign) return args.input + (args.armor ? ".asc" : ".pgp");
  return args.input + (args.armor ? ".asc" : ".sig");
}

int run_sign(const SignArgs& args) {
  const auto digest = pgp::parse_digest(args.digest);
  if (!digest) return report_error(Error(Errc::usage, "unknown digest " + args.digest), args.common);
  auto passphrase = load_passphrase(args.common);
  if (!passphrase) return report_error(passphrase.error(), args.common);
  auto keyring = open_keyring(args.common);
  if (!keyring) return report_error(keyring.error(), args.common);
  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);
  auto target = OutputTarget::open(args.output.empty() ? default_sign_output(args) : args.output, args.force, false);
  if (!target) return report_error(target.error(), args.common);

  pgp::SignOptions options;
  options.signers = args.signers;
  options.key_passphrase = *passphrase;
  options.mode = args.clearsign ? pgp::SignMode::clearsign : args.inline_sign ? pgp::SignMode::inline_binary : pgp::SignMode::detached;
  options.armor = args.armor;
  options.text_mode = args.text;
  options.digest = *digest;
  ProgressBar progress(args.common, "signing");
  options.progress = progress.callback();
  auto report = pgp::sign(*keyring, options, in->input(), target->output());
  if (!report) return report_error(report.error().with_context(args.input == "-" ? "standard input" : args.input), args.common);
  if (auto status = target->commit(); !status) return report_error(status.error(), args.common);
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("output", target->name());
    Poco::JSON::Array::Ptr sigs = new Poco::JSON::Array;
    for (const auto& s : report->signatures) {
      auto so = json_object();
      so->set("fingerprint", s.fingerprint);
      so->set("digest", s.digest);
      so->set("public_key_algorithm", s.public_key_algorithm);
      so->set("created", iso_time(s.created));
      sigs->add(so);
    }
    o->set("signatures", sigs);
    print_json(o);
  }
  return exit_ok;
}

struct VerifyArgs {
  CommonOptions common;
  std::string input;
  std::string signature;
  std::string output;
  bool force = false;
  std::vector<std::string> signer_files;
  std::vector<std::string> require_signers;
};

// Verifies against the keyring, or only against the given public key files (in a
// throwaway keyring) when --signer-file is used.
Result<pgp::Keyring> verification_keyring(const VerifyArgs& args) {
  if (args.signer_files.empty()) return open_keyring(args.common);
  auto keyring = pgp::Keyring::temporary();
  if (!keyring) return keyring;
  for (const auto& file : args.signer_files) {
    auto bytes = io::read_file(file);
    if (!bytes) return fail(bytes.error());
    if (auto imported = pgp::import_keys(*keyring, *bytes); !imported) return fail(imported.error().with_context(file));
  }
  return keyring;
}

int run_verify(const VerifyArgs& args) {
  auto keyring = verification_keyring(args);
  if (!keyring) return report_error(keyring.error(), args.common);
  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);

  Result<pgp::VerifyReport> report = fail(Errc::internal, "not run");
  std::optional<OutputTarget> target;
  if (!args.signature.empty()) {
    auto sig = open_input(args.signature);
    if (!sig) return report_error(sig.error(), args.common);
    report = pgp::verify_detached(*keyring, in->input(), sig->input());
  } else {
    // Inline: the signed content is kept only when asked for, and only once it verified.
    auto opened = OutputTarget::open(args.output.empty() ? "-" : args.output, args.force, true);
    if (!opened) return report_error(opened.error(), args.common);
    target.emplace(std::move(*opened));
    report = pgp::verify_inline(*keyring, in->input(), target->output());
  }
  const std::string subject = args.input == "-" ? "standard input" : args.input;
  if (!report) return report_error(report.error().with_context(subject), args.common);
  print_signatures(report->signatures, args.common);
  if (auto verdict = pgp::check_signatures(report->signatures, args.require_signers); !verdict) {
    auto details = json_object();
    details->set("input", args.input);
    details->set("signatures", signatures_json(report->signatures));
    return report_error(verdict.error().with_context(subject), args.common, details);
  }
  if (target && !args.output.empty()) {
    if (auto status = target->commit(); !status) return report_error(status.error(), args.common);
  }
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("input", args.input);
    o->set("signatures", signatures_json(report->signatures));
    print_json(o);
  }
  return exit_ok;
}

}  // namespace

void register_pgp_signature_commands(CLI::App& pgp, int& exit_code) {
  auto s = std::make_shared<SignArgs>();
  auto* sign = pgp.add_subcommand("sign", "Sign a file: detached (default), clearsigned or inline");
  sign->add_option("input", s->input, "File to sign (default: stdin)");
  sign->add_option("-o,--output", s->output, "Output (default: INPUT.sig, INPUT.asc armored or clearsigned, INPUT.pgp inline)");
  sign->add_flag("-f,--force", s->force, "Replace an existing output file");
  sign->add_option("-s,--sign-with", s->signers, "Secret key to sign with (repeatable; default: the keyring's first)")->allow_extra_args(false);
  auto* clear = sign->add_flag("--clearsign", s->clearsign, "Clearsigned text");
  auto* inl = sign->add_flag("--inline", s->inline_sign, "Inline signed message");
  clear->excludes(inl);
  sign->add_flag("-a,--armor", s->armor, "ASCII armor");
  sign->add_flag("--text", s->text, "Text signature (canonical line ends)");
  sign->add_option("--digest", s->digest, "SHA1, RIPEMD160, SHA224, SHA256 (default), SHA384, SHA512");
  add_common_options(*sign, s->common, true);
  sign->callback([s, &exit_code] { exit_code = run_sign(*s); });

  auto v = std::make_shared<VerifyArgs>();
  auto* verify = pgp.add_subcommand("verify", "Verify a detached (FILE SIG) or inline/clearsigned (FILE) signature");
  verify->add_option("input", v->input, "Signed file, or the signed message")->required();
  verify->add_option("signature", v->signature, "Detached signature file");
  verify->add_option("-o,--output", v->output, "Inline: write the signed content here once verified");
  verify->add_flag("-f,--force", v->force, "Replace an existing output file");
  verify->add_option("--signer-file", v->signer_files, "Verify only against the public key(s) in FILE (repeatable)")->allow_extra_args(false);
  verify->add_option("--require-signer", v->require_signers, "Fail unless this key (fingerprint) made a good signature (repeatable)")->allow_extra_args(false);
  add_common_options(*verify, v->common, false);
  verify->callback([v, &exit_code] { exit_code = run_verify(*v); });
}

}  // namespace payload::cli
