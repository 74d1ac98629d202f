// `payload pgp encrypt` and `payload pgp decrypt`.
#include <iostream>

#include <Poco/JSON/Array.h>

#include <payload/pgp/message.h>

#include "commands.h"
#include "common.h"

namespace payload::cli {
namespace {

struct EncryptArgs {
  CommonOptions common;
  std::string input = "-";
  std::string output;
  bool force = false;
  std::vector<std::string> recipients;
  std::vector<std::string> signers;
  bool symmetric = false;
  bool armor = false;
  bool text = false;
  std::string cipher = "AES256";
  std::string digest = "SHA256";
  std::string compression = "auto";
  int compress_level = -1;
};

Result<pgp::Algorithms> parse_algorithms(const EncryptArgs& args) {
  pgp::Algorithms algos;
  const auto cipher = pgp::parse_cipher(args.cipher);
  if (!cipher) return fail(Errc::usage, "unknown cipher " + args.cipher);
  const auto digest = pgp::parse_digest(args.digest);
  if (!digest) return fail(Errc::usage, "unknown digest " + args.digest);
  const auto compression = pgp::parse_compression(args.compression);
  if (!compression) return fail(Errc::usage, "unknown compression " + args.compression + " (auto, none, ZIP, ZLIB, BZIP2)");
  if (args.compress_level < -1 || args.compress_level > 9) return fail(Errc::usage, "compression level must be 0 to 9");
  algos.cipher = *cipher;
  algos.digest = *digest;
  algos.compression = *compression;
  algos.compress_level = args.compress_level;
  return algos;
}

// FILE -> FILE.pgp (FILE.asc armored); stdin -> stdout.
std::string default_encrypt_output(const EncryptArgs& args) {
  if (args.input == "-") return "-";
  return args.input + (args.armor ? ".asc" : ".pgp");
}

int run_encrypt(const EncryptArgs& args) {
  auto algorithms = parse_algorithms(args);
  if (!algorithms) return report_error(algorithms.error(), args.common);
  if (args.recipients.empty() && !args.symmetric)
    return report_error(Error(Errc::usage, "name a recipient (-r) or use --symmetric"), args.common);
  auto passphrase = load_passphrase(args.common);
  if (!passphrase) return report_error(passphrase.error(), args.common);
  if (args.symmetric && !*passphrase)
    return report_error(Error(Errc::usage, "--symmetric needs --passphrase-file, --passphrase-fd or --passphrase-env"), args.common);
  auto keyring = open_keyring(args.common);
  if (!keyring) return report_error(keyring.error(), args.common);
  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);
  // Ciphertext reveals nothing, so stdout is streamed, not spooled.
  auto target = OutputTarget::open(args.output.empty() ? default_encrypt_output(args) : args.output, args.force, false);
  if (!target) return report_error(target.error(), args.common);

  pgp::EncryptOptions options;
  options.recipients = args.recipients;
  options.signers = args.signers;
  if (args.symmetric) options.symmetric_passphrase = *passphrase;
  else options.key_passphrase = *passphrase;
  options.armor = args.armor;
  options.text_mode = args.text;
  options.algorithms = *algorithms;
  ProgressBar progress(args.common, "encrypting");
  options.progress = progress.callback();
  auto report = pgp::encrypt(*keyring, options, in->input(), target->output());
  if (!report) return report_error(report.error().with_context(args.input == "-" ? "standard input" : args.input), args.common);
  if (auto status = target->commit(); !status) return report_error(status.error(), args.common);
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("input", args.input);
    o->set("output", target->name());
    o->set("cipher", report->cipher);
    o->set("compression", report->compression);
    Poco::JSON::Array::Ptr recipients = new Poco::JSON::Array;
    for (const auto& r : report->recipients) recipients->add(r);
    o->set("recipients", recipients);
    o->set("signed", !args.signers.empty());
    print_json(o);
  }
  return exit_ok;
}

struct DecryptArgs {
  CommonOptions common;
  std::string input = "-";
  std::string output;
  bool force = false;
  std::vector<std::string> require_signers;
};

// FILE.pgp / .gpg / .asc -> FILE; anything else needs -o.
Result<std::string> default_decrypt_output(const std::string& input) {
  if (input == "-") return std::string("-");
  for (const char* ext : {".pgp", ".gpg", ".asc"}) {
    const std::string e(ext);
    if (input.size() > e.size() && input.compare(input.size() - e.size(), e.size(), e) == 0) return input.substr(0, input.size() - e.size());
  }
  return fail(Errc::usage, input + ": cannot derive an output name (no .pgp, .gpg or .asc); give -o");
}

int run_decrypt(const DecryptArgs& args) {
  auto passphrase = load_passphrase(args.common);
  if (!passphrase) return report_error(passphrase.error(), args.common);
  auto output = args.output.empty() ? default_decrypt_output(args.input) : Result<std::string>(args.output);
  if (!output) return report_error(output.error(), args.common);
  auto keyring = open_keyring(args.common);
  if (!keyring) return report_error(keyring.error(), args.common);
  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);
  // Plaintext is released only after the integrity check and the required signatures.
  auto target = OutputTarget::open(*output, args.force, true);
  if (!target) return report_error(target.error(), args.common);

  pgp::DecryptOptions options;
  // One passphrase source serves both: a symmetric message asks for it without a key hint.
  options.key_passphrase = *passphrase;
  options.symmetric_passphrase = *passphrase;
  options.require_signers = args.require_signers;
  ProgressBar progress(args.common, "decrypting");
  options.progress = progress.callback();
  auto report = pgp::decrypt(*keyring, options, in->input(), target->output());
  if (!report) return report_error(report.error().with_context(args.input == "-" ? "standard input" : args.input), args.common);
  if (auto status = target->commit(); !status) return report_error(status.error(), args.common);
  print_signatures(report->signatures, args.common);
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("input", args.input);
    o->set("output", target->name());
    o->set("cipher", report->cipher);
    o->set("file_name", report->file_name);
    Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
    for (const auto& id : report->recipient_key_ids) ids->add(id);
    o->set("recipient_key_ids", ids);
    o->set("signatures", signatures_json(report->signatures));
    print_json(o);
  }
  return exit_ok;
}

}  // namespace

void register_pgp_message_commands(CLI::App& pgp, int& exit_code) {
  auto e = std::make_shared<EncryptArgs>();
  auto* encrypt = pgp.add_subcommand("encrypt", "Encrypt a file for recipients and/or with a passphrase");
  encrypt->add_option("input", e->input, "File to encrypt (default: stdin)");
  encrypt->add_option("-o,--output", e->output, "Output file (default: INPUT.pgp, INPUT.asc with --armor; stdout for stdin)");
  encrypt->add_flag("-f,--force", e->force, "Replace an existing output file");
  encrypt->add_option("-r,--recipient", e->recipients, "Recipient: fingerprint, key id or e-mail (repeatable)")->allow_extra_args(false);
  encrypt->add_option("-s,--sign-with", e->signers, "Also sign with this secret key (repeatable)")->allow_extra_args(false);
  encrypt->add_flag("--symmetric", e->symmetric, "Encrypt with the passphrase (also with recipients)");
  encrypt->add_flag("-a,--armor", e->armor, "ASCII armor");
  encrypt->add_flag("--text", e->text, "Text mode (canonical line ends)");
  encrypt->add_option("--cipher", e->cipher, "IDEA, 3DES, CAST5, BLOWFISH, AES128, AES192, AES256 (default), TWOFISH, CAMELLIA128/192/256");
  encrypt->add_option("--digest", e->digest, "Signature digest: SHA1, RIPEMD160, SHA224, SHA256 (default), SHA384, SHA512");
  encrypt->add_option("--compress", e->compression, "auto (default: ZLIB unless the input is already compressed), none, ZIP, ZLIB, BZIP2");
  encrypt->add_option("--compress-level", e->compress_level, "0-9 (default 6)");
  add_common_options(*encrypt, e->common, true);
  encrypt->callback([e, &exit_code] { exit_code = run_encrypt(*e); });

  auto d = std::make_shared<DecryptArgs>();
  auto* decrypt = pgp.add_subcommand("decrypt", "Decrypt a file; report and optionally require signatures");
  decrypt->add_option("input", d->input, "File to decrypt (default: stdin)");
  decrypt->add_option("-o,--output", d->output, "Output file (default: INPUT without .pgp/.gpg/.asc; stdout for stdin)");
  decrypt->add_flag("-f,--force", d->force, "Replace an existing output file");
  decrypt->add_option("--require-signer", d->require_signers, "Fail unless this key (fingerprint) made a good signature (repeatable)")->allow_extra_args(false);
  add_common_options(*decrypt, d->common, true);
  decrypt->callback([d, &exit_code] { exit_code = run_decrypt(*d); });
}

}  // namespace payload::cli
