// `payload sig sign | verify` (raw RSA signatures over files) and `payload verify`, the
// one command that recognises any signature we know and checks it against the partner's
// key or certificate.
#include <iostream>

#include <payload/sig/raw.h>
#include <payload/sig/verify_any.h>

#include "commands.h"
#include "common.h"

namespace payload::cli {
namespace {

// The common options without --home: raw signatures use key and certificate files.
void add_file_key_options(CLI::App& command, CommonOptions& common, bool with_passphrase) {
  add_common_options(command, common, with_passphrase);
  command.remove_option(command.get_option("--home"));
}

bool notes(const CommonOptions& common) { return !common.quiet && !common.json; }

// --pss / --pkcs1 (mutually exclusive; none: the default of the caller).
struct PaddingFlags {
  bool pss = false;
  bool pkcs1 = false;
  [[nodiscard]] std::optional<sig::Padding> chosen() const {
    if (pss) return sig::Padding::pss;
    if (pkcs1) return sig::Padding::pkcs1v15;
    return std::nullopt;
  }
};

void add_padding_flags(CLI::App& command, PaddingFlags& flags) {
  auto* pss = command.add_flag("--pss", flags.pss, "RSASSA-PSS, MGF1 with the digest, salt as long as the digest (default)");
  auto* pkcs1 = command.add_flag("--pkcs1", flags.pkcs1, "RSASSA-PKCS1-v1_5");
  pss->excludes(pkcs1);
}

Result<std::optional<sig::Digest>> parse_digest_option(const std::string& text) {
  if (text.empty()) return std::optional<sig::Digest>();
  if (auto digest = sig::parse_digest(text)) return std::optional<sig::Digest>(*digest);
  return fail(Errc::usage, "unsupported digest " + text + " (sha224, sha256, sha384, sha512: raw signatures take SHA-2 only)");
}

Poco::JSON::Object::Ptr check_json(const std::string& file, const sig::SignatureCheck& check) {
  auto o = json_object();
  o->set("ok", check.good());
  o->set("file", file);
  o->set("signature", check.signature.string());
  o->set("kind", std::string(sig::kind_name(check.kind)));
  o->set("status", std::string(sig::status_name(check.status)));
  o->set("signer", check.signer);
  o->set("digest", check.digest);
  if (!check.good()) o->set("detail", check.detail);
  return o;
}

// Prints the verdict; returns the exit code (0 only for a good signature).
int report_check(const std::string& file, const sig::SignatureCheck& check, const CommonOptions& common) {
  if (auto verdict = check.verdict(); !verdict) {
    const std::string message = std::string(sig::status_name(check.status)) + " " + std::string(sig::kind_name(check.kind)) +
                                " signature: " + verdict.error().message();
    return report_error(Error(verdict.error().code(), message).with_context(file), common, check_json(file, check));
  }
  if (notes(common))
    std::cerr << "payload: " << file << ": good " << sig::kind_name(check.kind) << " signature (" << check.digest << ") by "
              << check.signer << "\n";
  if (common.json) print_json(check_json(file, check));
  return exit_ok;
}

// ---- sig sign ---------------------------------------------------------------------------

struct SignArgs {
  CommonOptions common;
  std::string key;
  PaddingFlags padding;
  std::string digest = "sha256";
  std::string input;
  std::string output;
  bool force = false;
};

int run_sign(const SignArgs& args) {
  auto digest = parse_digest_option(args.digest);
  if (!digest) return report_error(digest.error(), args.common);
  auto passphrase = load_passphrase(args.common);
  if (!passphrase) return report_error(passphrase.error(), args.common);
  const std::optional<std::string_view> pass = *passphrase ? std::optional<std::string_view>(**passphrase) : std::nullopt;
  auto key = cms::PrivateKey::load(args.key, pass);
  if (!key) return report_error(key.error(), args.common);
  auto in = io::InputFile::open(args.input);
  if (!in) return report_error(in.error(), args.common);
  const std::string output = args.output.empty() ? args.input + ".sig" : args.output;
  auto target = io::AtomicFile::create(output, args.force);
  if (!target) return report_error(target.error(), args.common);

  sig::RawSignOptions options;
  options.padding = args.padding.chosen().value_or(sig::Padding::pss);
  options.digest = digest->value_or(sig::Digest::sha256);
  ProgressBar progress(args.common, "signing");
  options.progress = progress.callback();
  auto signature = sig::sign_raw(in->input(), *key, options);
  if (!signature) return report_error(signature.error().with_context(args.input), args.common);
  if (auto s = target->write(*signature); !s) return report_error(s.error(), args.common);
  if (auto s = target->finish(); !s) return report_error(s.error(), args.common);
  if (notes(args.common))
    std::cerr << "payload: signed " << args.input << " (" << sig::name(options.padding) << ", " << sig::name(options.digest)
              << ", RSA-" << key->bits() << "), signature in " << output << "\n";
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("file", args.input);
    o->set("signature", output);
    o->set("padding", std::string(sig::name(options.padding)));
    o->set("digest", std::string(sig::name(options.digest)));
    o->set("key_bits", key->bits());
    print_json(o);
  }
  return exit_ok;
}

// ---- sig verify -------------------------------------------------------------------------

struct RawVerifyArgs {
  CommonOptions common;
  std::string cert;
  std::string pubkey;
  PaddingFlags padding;
  std::string digest;
  std::string input;
  std::string signature;
};

int run_raw_verify(const RawVerifyArgs& args) {
  auto digest = parse_digest_option(args.digest);
  if (!digest) return report_error(digest.error(), args.common);
  std::optional<cms::Certificate> certificate;
  Result<sig::PublicKey> key = fail(Errc::usage, "give --cert CERT or --pubkey KEY");
  if (!args.cert.empty()) {
    auto cert = cms::Certificate::load(args.cert);
    if (!cert) return report_error(cert.error(), args.common);
    certificate = *cert;
    key = sig::PublicKey::of(*cert);
  } else if (!args.pubkey.empty()) {
    key = sig::PublicKey::load(args.pubkey);
  }
  if (!key) return report_error(key.error(), args.common);
  const std::string signature_path = args.signature.empty() ? args.input + ".sig" : args.signature;
  auto signature = io::read_file(signature_path);
  if (!signature) return report_error(signature.error(), args.common);
  auto in = io::InputFile::open(args.input);
  if (!in) return report_error(in.error(), args.common);

  sig::VerifyOptions options;
  options.padding = args.padding.chosen();
  options.digest = *digest;
  auto check = sig::verify_raw(in->input(), *signature, *key, certificate, options);
  if (!check) return report_error(check.error().with_context(args.input), args.common);
  check->signature = signature_path;
  return report_check(args.input, *check, args.common);
}

// ---- verify (anything) ------------------------------------------------------------------

struct VerifyAnyArgs {
  CommonOptions common;
  std::vector<std::string> certs;
  std::vector<std::string> pubkeys;
  std::vector<std::string> signer_files;
  std::vector<std::string> require_signers;
  PaddingFlags padding;
  std::string digest;
  std::string input;
  std::string signature;
};

int run_verify_any(const VerifyAnyArgs& args) {
  auto digest = parse_digest_option(args.digest);
  if (!digest) return report_error(digest.error(), args.common);
  sig::TrustAnchors anchors;
  anchors.certificates.assign(args.certs.begin(), args.certs.end());
  anchors.public_keys.assign(args.pubkeys.begin(), args.pubkeys.end());
  anchors.pgp_key_files.assign(args.signer_files.begin(), args.signer_files.end());
  anchors.pgp_signers = args.require_signers;
  // Like `payload pgp verify`: the keyring (--home or the default) unless key files are given.
  if (args.signer_files.empty()) anchors.pgp_home = args.common.home.empty() ? pgp::Keyring::default_home() : args.common.home;
  sig::VerifyOptions options;
  options.padding = args.padding.chosen();
  options.digest = *digest;
  std::optional<std::filesystem::path> signature;
  if (!args.signature.empty()) signature = args.signature;
  auto check = sig::verify_signature(args.input, signature, anchors, options);
  if (!check) return report_error(check.error(), args.common);
  return report_check(args.input, *check, args.common);
}

}  // namespace

void register_sig_commands(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("sig", "Raw RSA signatures over files (RSASSA-PSS, PKCS#1 v1.5), as openssl dgst makes them");
  group->require_subcommand(1);

  auto s = std::make_shared<SignArgs>();
  auto* sign = group->add_subcommand("sign", "Sign FILE with an RSA private key: the bare signature value in FILE.sig");
  sign->add_option("--key", s->key, "RSA private key (PEM or DER, PKCS#8 or traditional, optionally encrypted)")->required();
  add_padding_flags(*sign, s->padding);
  sign->add_option("--digest", s->digest, "sha224, sha256 (default), sha384, sha512");
  sign->add_option("input", s->input, "File to sign")->required();
  sign->add_option("-o,--output", s->output, "Signature file (default: FILE.sig)");
  sign->add_flag("-f,--force", s->force, "Replace an existing signature file");
  add_file_key_options(*sign, s->common, true);
  sign->callback([s, &exit_code] { exit_code = run_sign(*s); });

  auto v = std::make_shared<RawVerifyArgs>();
  auto* verify = group->add_subcommand("verify", "Verify a raw RSA signature over FILE with a certificate or public key");
  auto* cert = verify->add_option("--cert", v->cert, "Signer's X.509 certificate (validity and key usage are checked)");
  auto* pub = verify->add_option("--pubkey", v->pubkey, "Signer's RSA public key (PEM or DER)");
  cert->excludes(pub);
  add_padding_flags(*verify, v->padding);
  verify->add_option("--digest", v->digest, "Require this digest (default: any of sha224, sha256, sha384, sha512)");
  verify->add_option("input", v->input, "Signed file")->required();
  verify->add_option("signature", v->signature, "Signature file (default: FILE.sig)");
  add_file_key_options(*verify, v->common, false);
  verify->callback([v, &exit_code] { exit_code = run_raw_verify(*v); });

  auto a = std::make_shared<VerifyAnyArgs>();
  auto* any = app.add_subcommand("verify", "Verify whatever signature is given: OpenPGP, CMS/S/MIME or raw RSA, attached or detached");
  any->add_option("input", a->input, "Signed file, or the signed message itself")->required();
  any->add_option("signature", a->signature, "Detached signature (default: FILE.sig, .asc, .p7s or .sign when FILE is not signed itself)");
  any->add_option("--cert", a->certs, "Partner X.509 certificate(s) for CMS and raw RSA (repeatable; PEM bundles)")->allow_extra_args(false);
  any->add_option("--pubkey", a->pubkeys, "Partner RSA public key for raw signatures (repeatable)")->allow_extra_args(false);
  any->add_option("--signer-file", a->signer_files, "Partner OpenPGP public key(s), used instead of the keyring (repeatable)")->allow_extra_args(false);
  any->add_option("--require-signer", a->require_signers, "OpenPGP: fail unless this key (fingerprint) made a good signature (repeatable)")->allow_extra_args(false);
  add_padding_flags(*any, a->padding);
  any->add_option("--digest", a->digest, "Raw RSA: require this digest");
  add_common_options(*any, a->common, false);
  any->callback([a, &exit_code] { exit_code = run_verify_any(*a); });
}

}  // namespace payload::cli
