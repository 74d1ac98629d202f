// `payload cms sign | verify | encrypt | decrypt | compress | decompress`: S/MIME CMS on
// files, with our keys and the partners' certificates given as PEM or DER files (AS2
// partners pin certificates; there is no keyring and no chain building here).
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <iostream>

#include <Poco/JSON/Array.h>

#include <payload/cms/compress.h>
#include <payload/cms/decrypt.h>
#include <payload/cms/encrypt.h>
#include <payload/cms/sign.h>
#include <payload/cms/verify.h>
#include <payload/mime/base64.h>

#include "commands.h"
#include "common.h"

namespace payload::cli {
namespace {

// The common options without --home: certificates and keys are files, not a keyring.
void add_cms_options(CLI::App& command, CommonOptions& common, bool with_passphrase) {
  add_common_options(command, common, with_passphrase);
  command.remove_option(command.get_option("--home"));
}

std::string input_name(const std::string& input) { return input == "-" ? "standard input" : input; }

bool is_stdout(const std::string& output) { return output.empty() || output == "-"; }

// --json owns standard output, so content must go to a file then.
Status check_json_output(const CommonOptions& common, const std::string& output) {
  if (common.json && is_stdout(output)) return fail(Errc::usage, "--json prints on standard output; give -o FILE for the result");
  return {};
}

bool notes(const CommonOptions& common) { return !common.quiet && !common.json; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

constexpr std::array kCiphers{cms::ContentCipher::aes128_cbc, cms::ContentCipher::aes192_cbc, cms::ContentCipher::aes256_cbc,
                              cms::ContentCipher::aes128_gcm, cms::ContentCipher::aes256_gcm, cms::ContentCipher::des_ede3_cbc};
constexpr std::array kTransports{cms::KeyTransport::rsa_pkcs1v15, cms::KeyTransport::rsa_oaep_sha1,
                                 cms::KeyTransport::rsa_oaep_sha256, cms::KeyTransport::rsa_oaep_sha512};

Result<cms::ContentCipher> parse_cipher(const std::string& text) {
  for (const auto c : kCiphers)
    if (iequals(text, cms::name(c))) return c;
  return fail(Errc::usage, "unknown cipher " + text +
                               " (aes-128-cbc, aes-192-cbc, aes-256-cbc, aes-128-gcm, aes-256-gcm, des-ede3-cbc)");
}

Result<cms::KeyTransport> parse_key_transport(const std::string& text) {
  for (const auto t : kTransports)
    if (iequals(text, cms::name(t))) return t;
  return fail(Errc::usage, "unknown key transport " + text + " (rsa-pkcs1v15, rsa-oaep-sha1, rsa-oaep-sha256, rsa-oaep-sha512)");
}

Result<cms::DigestAlg> parse_digest(const std::string& text) {
  if (auto digest = cms::parse_micalg(text)) return *digest;
  return fail(Errc::usage, "unknown digest " + text + " (sha-224, sha-256, sha-384, sha-512; sha1, md5 for legacy partners)");
}

std::string to_iso(std::chrono::system_clock::time_point at) {
  return iso_time(static_cast<std::int64_t>(std::chrono::system_clock::to_time_t(at)));
}

// Our identities from --key/--cert pairs, in order; one passphrase unlocks every
// encrypted key. Each key must belong to its certificate.
Result<std::vector<cms::Identity>> load_identities(const std::vector<std::string>& keys, const std::vector<std::string>& certs,
                                                   const CommonOptions& common) {
  if (keys.empty() || keys.size() != certs.size())
    return fail(Errc::usage, "give --key and --cert in pairs (" + std::to_string(keys.size()) + " keys, " +
                                 std::to_string(certs.size()) + " certificates)");
  auto passphrase = load_passphrase(common);
  if (!passphrase) return fail(passphrase.error());
  const std::optional<std::string_view> pass = *passphrase ? std::optional<std::string_view>(**passphrase) : std::nullopt;
  std::vector<cms::Identity> identities;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto cert = cms::Certificate::load(certs[i]);
    if (!cert) return fail(cert.error());
    auto key = cms::PrivateKey::load(keys[i], pass);
    if (!key) return fail(key.error());
    if (!key->matches(*cert)) return fail(Errc::usage, keys[i] + ": the key does not belong to the certificate " + certs[i]);
    identities.push_back(cms::Identity{*cert, *key});
  }
  return identities;
}

// Partner certificates; a PEM bundle contributes every certificate in it.
Result<std::vector<cms::Certificate>> load_partners(const std::vector<std::string>& files) {
  std::vector<cms::Certificate> out;
  for (const auto& file : files) {
    auto certs = cms::Certificate::load_all(file);
    if (!certs) return fail(certs.error());
    out.insert(out.end(), certs->begin(), certs->end());
  }
  return out;
}

// Recipient certificates, one per file: encrypting to every certificate of a bundle
// (its CA, an old certificate) would hand the content key to more parties than meant.
Result<std::vector<cms::Certificate>> load_recipients(const std::vector<std::string>& files) {
  std::vector<cms::Certificate> out;
  for (const auto& file : files) {
    auto certs = cms::Certificate::load_all(file);
    if (!certs) return fail(certs.error());
    if (certs->size() != 1)
      return fail(Errc::usage, file + ": holds " + std::to_string(certs->size()) +
                                   " certificates; give each recipient's certificate in its own file");
    out.push_back(certs->front());
  }
  return out;
}

Poco::JSON::Array::Ptr string_array(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (const auto& item : items) array->add(item);
  return array;
}

// ---- sign -----------------------------------------------------------------------------

struct SignArgs {
  CommonOptions common;
  std::string key;
  std::string cert;
  std::string digest = "sha-256";
  bool pss = false;
  bool enveloping = false;
  bool allow_legacy = false;
  std::string input;
  std::string output;
  bool force = false;
};

int run_sign(const SignArgs& args) {
  auto digest = parse_digest(args.digest);
  if (!digest) return report_error(digest.error(), args.common);
  if (auto s = check_json_output(args.common, args.output); !s) return report_error(s.error(), args.common);
  auto ids = load_identities({args.key}, {args.cert}, args.common);
  if (!ids) return report_error(ids.error(), args.common);
  const cms::Identity& id = ids->front();
  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);
  auto target = OutputTarget::open(args.output, args.force, true);
  if (!target) return report_error(target.error(), args.common);

  cms::SignOptions options;
  options.digest = *digest;
  options.scheme = args.pss ? cms::SignatureScheme::rsa_pss : cms::SignatureScheme::rsa_pkcs1v15;
  options.allow_legacy_digest = args.allow_legacy;
  const Status outcome = args.enveloping ? cms::sign_enveloping(in->input(), target->output(), id, options)
                                         : cms::sign_detached(in->input(), target->output(), id, options);
  if (!outcome) return report_error(outcome.error().with_context(input_name(args.input)), args.common);
  if (auto status = target->commit(); !status) return report_error(status.error(), args.common);

  const std::string key_type = id.key.key_type();
  const auto scheme = key_type == "EC"        ? cms::SignatureScheme::ecdsa
                      : key_type == "RSA-PSS" ? cms::SignatureScheme::rsa_pss
                                              : options.scheme;
  const auto info = id.certificate.info();
  if (notes(args.common))
    std::cerr << "payload: signed " << input_name(args.input) << " as \"" << info.subject << "\" (" << cms::micalg(*digest)
              << ", " << cms::name(scheme) << "), " << (args.enveloping ? "enveloping" : "detached") << " signature in "
              << target->name() << "\n";
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("input", args.input);
    o->set("output", target->name());
    o->set("mode", std::string(args.enveloping ? "enveloping" : "detached"));
    o->set("signer", info.subject);
    o->set("serial", info.serial);
    o->set("micalg", std::string(cms::micalg(*digest)));
    o->set("scheme", std::string(cms::name(scheme)));
    print_json(o);
  }
  return exit_ok;
}

// ---- verify ---------------------------------------------------------------------------

struct VerifyArgs {
  CommonOptions common;
  std::vector<std::string> certs;
  std::string content;
  std::string signature;
  std::string output;
  bool force = false;
  std::vector<std::string> allow_digests;
};

// RFC 4130 §7.3.1 / as2-specs: the Received-Content-MIC is "base64 digest, micalg".
std::string mic_text(const cms::SignerReport& signer) {
  return mime::base64_encode(signer.message_digest, 0) + ", " + std::string(cms::micalg(signer.digest));
}

void print_signers(const cms::VerifyReport& report, const CommonOptions& common) {
  if (!notes(common)) return;
  for (const auto& s : report.signers) {
    std::cerr << "payload: good signature by \"" << s.subject << "\" (serial " << s.serial << ")\n"
              << "payload:   digest " << cms::micalg(s.digest) << ", scheme " << cms::name(s.scheme) << ", signed "
              << (s.signing_time ? to_iso(*s.signing_time) : std::string("(no signing time)")) << "\n"
              << "payload:   MIC " << mic_text(s) << "\n";
  }
}

Poco::JSON::Object::Ptr verify_json(const cms::VerifyReport& report) {
  auto o = json_object();
  o->set("ok", true);
  o->set("micalg", std::string(report.micalg()));
  o->set("mic", mic_text(report.signers.front()));
  Poco::JSON::Array::Ptr signers = new Poco::JSON::Array;
  for (const auto& s : report.signers) {
    auto so = json_object();
    so->set("status", std::string("good"));
    so->set("subject", s.subject);
    so->set("serial", s.serial);
    so->set("micalg", std::string(cms::micalg(s.digest)));
    so->set("scheme", std::string(cms::name(s.scheme)));
    so->set("signing_time", s.signing_time ? to_iso(*s.signing_time) : std::string());
    so->set("message_digest", mime::base64_encode(s.message_digest, 0));
    so->set("mic", mic_text(s));
    signers->add(so);
  }
  o->set("signers", signers);
  return o;
}

int run_verify(const VerifyArgs& args) {
  cms::VerifyOptions options;
  for (const auto& text : args.allow_digests) {
    auto digest = parse_digest(text);
    if (!digest) return report_error(digest.error(), args.common);
    if (std::find(options.allowed_digests.begin(), options.allowed_digests.end(), *digest) == options.allowed_digests.end())
      options.allowed_digests.push_back(*digest);
  }
  const bool detached = !args.content.empty();
  if (detached && !args.output.empty())
    return report_error(Error(Errc::usage, "-o is for enveloping signatures; a detached signature's content is already in "
                                               + args.content), args.common);
  if (detached && args.content == "-" && args.signature == "-")
    return report_error(Error(Errc::usage, "the content and the signature cannot both come from standard input"), args.common);
  if (!detached && !args.output.empty()) {
    if (auto s = check_json_output(args.common, args.output); !s) return report_error(s.error(), args.common);
  }
  auto partners = load_partners(args.certs);
  if (!partners) return report_error(partners.error(), args.common);
  auto sig = open_input(args.signature);
  if (!sig) return report_error(sig.error(), args.common);

  Result<cms::VerifyReport> report = fail(Errc::internal, "not run");
  std::optional<OutputTarget> target;
  if (detached) {
    auto signature = io::read_all(sig->input().fd);
    if (!signature) return report_error(signature.error().with_context(input_name(args.signature)), args.common);
    auto content = open_input(args.content);
    if (!content) return report_error(content.error(), args.common);
    report = cms::verify_detached(content->input(), *signature, *partners, options);
  } else {
    // The content is released only after the signature verified: spooled for stdout,
    // an unpublished temporary file otherwise; without -o it is checked and dropped.
    auto opened = OutputTarget::open(args.output.empty() ? "-" : args.output, args.force, true);
    if (!opened) return report_error(opened.error(), args.common);
    target.emplace(std::move(*opened));
    report = cms::verify_enveloping(sig->input(), target->output(), *partners, options);
  }
  if (!report) return report_error(report.error().with_context(input_name(args.signature)), args.common);
  if (target && !args.output.empty()) {
    if (auto status = target->commit(); !status) return report_error(status.error(), args.common);
  }
  print_signers(*report, args.common);
  if (args.common.json) {
    auto o = verify_json(*report);
    o->set("signature", args.signature);
    o->set("mode", std::string(detached ? "detached" : "enveloping"));
    if (detached) o->set("content", args.content);
    else if (!args.output.empty()) o->set("output", target->name());
    print_json(o);
  }
  return exit_ok;
}

// ---- encrypt --------------------------------------------------------------------------

struct EncryptArgs {
  CommonOptions common;
  std::vector<std::string> certs;
  std::string cipher = "aes-256-cbc";
  std::string key_transport = "rsa-pkcs1v15";
  bool allow_legacy = false;
  std::string input;
  std::string output;
  bool force = false;
};

int run_encrypt(const EncryptArgs& args) {
  auto cipher = parse_cipher(args.cipher);
  if (!cipher) return report_error(cipher.error(), args.common);
  auto transport = parse_key_transport(args.key_transport);
  if (!transport) return report_error(transport.error(), args.common);
  if (auto s = check_json_output(args.common, args.output); !s) return report_error(s.error(), args.common);
  auto recipients = load_recipients(args.certs);
  if (!recipients) return report_error(recipients.error(), args.common);
  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);
  auto target = OutputTarget::open(args.output, args.force, true);
  if (!target) return report_error(target.error(), args.common);

  cms::EncryptOptions options;
  options.cipher = *cipher;
  options.key_transport = *transport;
  options.allow_legacy_cipher = args.allow_legacy;
  if (auto s = cms::encrypt(in->input(), target->output(), *recipients, options); !s)
    return report_error(s.error().with_context(input_name(args.input)), args.common);
  if (auto status = target->commit(); !status) return report_error(status.error(), args.common);

  std::vector<std::string> subjects;
  for (const auto& r : *recipients) subjects.push_back(r.info().subject);
  if (notes(args.common)) {
    std::cerr << "payload: encrypted " << input_name(args.input) << " (" << cms::name(*cipher) << ", "
              << cms::name(*transport) << ") for";
    for (const auto& s : subjects) std::cerr << " \"" << s << "\"";
    std::cerr << " into " << target->name() << "\n";
  }
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("input", args.input);
    o->set("output", target->name());
    o->set("cipher", std::string(cms::name(*cipher)));
    o->set("key_transport", std::string(cms::name(*transport)));
    o->set("recipients", string_array(subjects));
    print_json(o);
  }
  return exit_ok;
}

// ---- decrypt --------------------------------------------------------------------------

struct DecryptArgs {
  CommonOptions common;
  std::vector<std::string> keys;
  std::vector<std::string> certs;
  std::vector<std::string> allow_ciphers;
  std::string input;
  std::string output;
  bool force = false;
};

int run_decrypt(const DecryptArgs& args) {
  cms::DecryptOptions options;
  for (const auto& text : args.allow_ciphers) {
    auto cipher = parse_cipher(text);
    if (!cipher) return report_error(cipher.error(), args.common);
    if (std::find(options.allowed_ciphers.begin(), options.allowed_ciphers.end(), *cipher) == options.allowed_ciphers.end())
      options.allowed_ciphers.push_back(*cipher);
  }
  if (auto s = check_json_output(args.common, args.output); !s) return report_error(s.error(), args.common);
  auto ids = load_identities(args.keys, args.certs, args.common);
  if (!ids) return report_error(ids.error(), args.common);
  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);
  // Plaintext (unauthenticated until the end with GCM) is published only on success.
  auto target = OutputTarget::open(args.output, args.force, true);
  if (!target) return report_error(target.error(), args.common);

  auto report = cms::decrypt(in->input(), target->output(), *ids, options);
  if (!report) return report_error(report.error().with_context(input_name(args.input)), args.common);
  if (auto status = target->commit(); !status) return report_error(status.error(), args.common);

  // Which of our certificates opened it (several during a certificate rollover).
  std::string opened_by;
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const auto info = (*ids)[i].certificate.info();
    if (info.serial == report->recipient_serial && info.subject == report->recipient_subject) {
      opened_by = args.certs[i];
      break;
    }
  }
  if (notes(args.common))
    std::cerr << "payload: decrypted " << input_name(args.input) << " into " << target->name() << " ("
              << cms::name(report->cipher) << (report->authenticated ? ", authenticated" : "") << ", "
              << cms::name(report->key_transport) << ") with \"" << report->recipient_subject << "\" (serial "
              << report->recipient_serial << (opened_by.empty() ? "" : ", " + opened_by) << ")\n";
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("input", args.input);
    o->set("output", target->name());
    o->set("cipher", std::string(cms::name(report->cipher)));
    o->set("authenticated", report->authenticated);
    o->set("key_transport", std::string(cms::name(report->key_transport)));
    o->set("recipient_subject", report->recipient_subject);
    o->set("recipient_serial", report->recipient_serial);
    o->set("recipient_cert", opened_by);
    print_json(o);
  }
  return exit_ok;
}

// ---- compress / decompress ------------------------------------------------------------

struct CompressArgs {
  CommonOptions common;
  int level = 6;
  std::string input;
  std::string output;
  bool force = false;
};

int run_compress(const CompressArgs& args) {
  if (auto s = check_json_output(args.common, args.output); !s) return report_error(s.error(), args.common);
  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);
  auto target = OutputTarget::open(args.output, args.force, true);
  if (!target) return report_error(target.error(), args.common);
  if (auto s = cms::compress(in->input(), target->output(), args.level); !s)
    return report_error(s.error().with_context(input_name(args.input)), args.common);
  if (auto status = target->commit(); !status) return report_error(status.error(), args.common);
  if (notes(args.common))
    std::cerr << "payload: compressed " << input_name(args.input) << " into " << target->name() << " (zlib level "
              << args.level << ")\n";
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("input", args.input);
    o->set("output", target->name());
    o->set("level", args.level);
    print_json(o);
  }
  return exit_ok;
}

struct DecompressArgs {
  CommonOptions common;
  std::uint64_t max_size = cms::DecompressLimits{}.max_output;
  std::uint64_t max_ratio = cms::DecompressLimits{}.max_ratio;
  std::string input;
  std::string output;
  bool force = false;
};

int run_decompress(const DecompressArgs& args) {
  if (args.max_size == 0 || args.max_ratio == 0)
    return report_error(Error(Errc::usage, "--max-size and --max-ratio must be at least 1"), args.common);
  if (auto s = check_json_output(args.common, args.output); !s) return report_error(s.error(), args.common);
  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);
  // A refused bomb leaves nothing behind: the partial output stays in the unpublished temporary.
  auto target = OutputTarget::open(args.output, args.force, true);
  if (!target) return report_error(target.error(), args.common);
  cms::DecompressLimits limits;
  limits.max_output = args.max_size;
  limits.max_ratio = args.max_ratio;
  auto report = cms::decompress(in->input(), target->output(), limits);
  if (!report) return report_error(report.error().with_context(input_name(args.input)), args.common);
  if (auto status = target->commit(); !status) return report_error(status.error(), args.common);
  if (notes(args.common))
    std::cerr << "payload: decompressed " << input_name(args.input) << " into " << target->name() << " ("
              << report->compressed_bytes << " -> " << report->content_bytes << " bytes)\n";
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("input", args.input);
    o->set("output", target->name());
    o->set("compressed_bytes", report->compressed_bytes);
    o->set("content_bytes", report->content_bytes);
    o->set("content_type", report->content_type);
    print_json(o);
  }
  return exit_ok;
}

void add_output(CLI::App& command, std::string& output, bool& force) {
  command.add_option("-o,--output", output, "Output file (- for stdout)")->required();
  command.add_flag("-f,--force", force, "Replace an existing output file");
}

}  // namespace

void register_cms_commands(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("cms", "S/MIME CMS: sign, verify, encrypt, decrypt, compress, decompress");
  group->require_subcommand(1);

  auto s = std::make_shared<SignArgs>();
  auto* sign = group->add_subcommand("sign", "Sign a file: detached DER SignedData (default) or enveloping");
  sign->add_option("input", s->input, "File to sign (- for stdin)")->required();
  add_output(*sign, s->output, s->force);
  sign->add_option("--key", s->key, "Our private key (PEM or DER; encrypted: give a passphrase option)")->required();
  sign->add_option("--cert", s->cert, "Our certificate (PEM or DER)")->required();
  sign->add_option("--digest", s->digest, "sha-256 (default), sha-384, sha-512, sha-224; sha1/md5 need --allow-legacy");
  sign->add_flag("--pss", s->pss, "RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys)");
  sign->add_flag("--enveloping", s->enveloping, "Enveloping SignedData that contains the content");
  sign->add_flag("--allow-legacy", s->allow_legacy, "Allow SHA-1/MD5 (AS2 1.3 forbids generating them)");
  add_cms_options(*sign, s->common, true);
  sign->callback([s, &exit_code] { exit_code = run_sign(*s); });

  auto v = std::make_shared<VerifyArgs>();
  auto* verify = group->add_subcommand("verify", "Verify a signature against pinned partner certificates; print signer and MIC");
  verify->add_option("signature", v->signature, "Detached signature or enveloping SignedData (- for stdin)")->required();
  verify->add_option("--cert", v->certs, "Partner certificate (repeatable; a PEM bundle adds all of its certificates)")
      ->required()
      ->allow_extra_args(false);
  verify->add_option("--content", v->content, "The signed content: verifies a detached signature");
  verify->add_option("-o,--output", v->output, "Enveloping: write the content here (- for stdout) once it verified");
  verify->add_flag("-f,--force", v->force, "Replace an existing output file");
  verify->add_option("--allow-digest", v->allow_digests, "Also accept this digest from the partner, e.g. sha1 (repeatable)")
      ->allow_extra_args(false);
  add_cms_options(*verify, v->common, false);
  verify->callback([v, &exit_code] { exit_code = run_verify(*v); });

  auto e = std::make_shared<EncryptArgs>();
  auto* encrypt = group->add_subcommand("encrypt", "Encrypt a file to recipient certificates (EnvelopedData, AES-GCM: AuthEnvelopedData)");
  encrypt->add_option("input", e->input, "File to encrypt (- for stdin)")->required();
  add_output(*encrypt, e->output, e->force);
  encrypt->add_option("--cert", e->certs, "Recipient certificate, one per file (repeatable; add ours to keep a readable copy)")
      ->required()
      ->allow_extra_args(false);
  encrypt->add_option("--cipher", e->cipher, "aes-256-cbc (default), aes-128-cbc, aes-192-cbc, aes-128-gcm, aes-256-gcm, des-ede3-cbc");
  encrypt->add_option("--key-transport", e->key_transport, "rsa-pkcs1v15 (default), rsa-oaep-sha1, rsa-oaep-sha256, rsa-oaep-sha512");
  encrypt->add_flag("--allow-legacy", e->allow_legacy, "Allow des-ede3-cbc (RFC 8551: decrypt only)");
  add_cms_options(*encrypt, e->common, false);
  encrypt->callback([e, &exit_code] { exit_code = run_encrypt(*e); });

  auto d = std::make_shared<DecryptArgs>();
  auto* decrypt = group->add_subcommand("decrypt", "Decrypt EnvelopedData/AuthEnvelopedData with one of our identities");
  decrypt->add_option("input", d->input, "File to decrypt (- for stdin)")->required();
  add_output(*decrypt, d->output, d->force);
  decrypt->add_option("--key", d->keys, "Our private key (repeatable, paired in order with --cert: certificate rollover)")
      ->required()
      ->allow_extra_args(false);
  decrypt->add_option("--cert", d->certs, "Our certificate for the --key at the same position (repeatable)")
      ->required()
      ->allow_extra_args(false);
  decrypt->add_option("--allow-cipher", d->allow_ciphers, "Also accept this content cipher, e.g. des-ede3-cbc (repeatable)")
      ->allow_extra_args(false);
  add_cms_options(*decrypt, d->common, true);
  decrypt->callback([d, &exit_code] { exit_code = run_decrypt(*d); });

  auto c = std::make_shared<CompressArgs>();
  auto* compress = group->add_subcommand("compress", "Wrap a file in RFC 3274 CompressedData (zlib)");
  compress->add_option("input", c->input, "File to compress (- for stdin)")->required();
  add_output(*compress, c->output, c->force);
  compress->add_option("--level", c->level, "zlib level 0-9 (default 6)")->check(CLI::Range(0, 9));
  add_cms_options(*compress, c->common, false);
  compress->callback([c, &exit_code] { exit_code = run_compress(*c); });

  auto u = std::make_shared<DecompressArgs>();
  auto* decompress = group->add_subcommand("decompress", "Unwrap RFC 3274 CompressedData, refusing decompression bombs");
  decompress->add_option("input", u->input, "File to decompress (- for stdin)")->required();
  add_output(*decompress, u->output, u->force);
  decompress->add_option("--max-size", u->max_size, "Refuse content larger than BYTES (default 1 GiB)");
  decompress->add_option("--max-ratio", u->max_ratio, "Refuse more than N bytes out per byte in, beyond the first MiB (default 200)");
  add_cms_options(*decompress, u->common, false);
  decompress->callback([u, &exit_code] { exit_code = run_decompress(*u); });
}

}  // namespace payload::cli
