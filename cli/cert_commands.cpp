// `payload cert new | show`: our own self-signed AS2 identity (key + certificate files)
// and the facts of a certificate a partner sends, with the SHA-256 fingerprint both
// sides compare out of band before pinning it (AS2 1.3, i05 §10.2).
#include <sys/stat.h>

#include <chrono>
#include <cstring>
#include <iostream>

#include <Poco/JSON/Array.h>

#include <payload/cms/self_signed.h>

#include "commands.h"
#include "common.h"

namespace payload::cli {
namespace {

// The common options without --home: certificates and keys are files, not a keyring.
void add_cert_options(CLI::App& command, CommonOptions& common, bool with_passphrase) {
  add_common_options(command, common, with_passphrase);
  command.remove_option(command.get_option("--home"));
}

std::string to_iso(std::chrono::system_clock::time_point at) {
  return iso_time(static_cast<std::int64_t>(std::chrono::system_clock::to_time_t(at)));
}

// "AB:CD:..." as `openssl x509 -fingerprint` prints it, easy to read out on the phone.
std::string colon_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) out += ':';
    out += hex.substr(i, 2);
  }
  return out;
}

std::string key_description(const cms::CertificateInfo& info) {
  if (!info.curve.empty()) return info.key_type + " " + info.curve;
  return info.key_type + " " + std::to_string(info.key_bits);
}

std::string validity_state(const cms::CertificateInfo& info) {
  const auto now = std::chrono::system_clock::now();
  if (now < info.not_before) return "not yet valid";
  if (now > info.not_after) return "expired";
  return "valid";
}

void print_certificate(const cms::CertificateInfo& info) {
  std::cout << "subject:     " << info.subject << "\n"
            << "issuer:      " << info.issuer << (info.issuer == info.subject ? " (self-signed)" : "") << "\n"
            << "serial:      " << info.serial << "\n"
            << "not before:  " << to_iso(info.not_before) << "\n"
            << "not after:   " << to_iso(info.not_after) << " (" << validity_state(info) << ")\n"
            << "key:         " << key_description(info) << "\n"
            << "SHA-256 fingerprint: " << colon_hex(info.sha256_fingerprint) << "\n";
}

Poco::JSON::Object::Ptr certificate_json(const cms::CertificateInfo& info) {
  auto o = json_object();
  o->set("subject", info.subject);
  o->set("issuer", info.issuer);
  o->set("self_signed", info.issuer == info.subject);
  o->set("serial", info.serial);
  o->set("not_before", to_iso(info.not_before));
  o->set("not_after", to_iso(info.not_after));
  o->set("validity", validity_state(info));
  o->set("key_type", info.key_type);
  o->set("key_bits", info.key_bits);
  if (!info.curve.empty()) o->set("curve", info.curve);
  o->set("sha256_fingerprint", colon_hex(info.sha256_fingerprint));
  return o;
}

// ---- new ------------------------------------------------------------------------------

struct NewArgs {
  CommonOptions common;
  std::string common_name;
  std::string organization;
  std::string country;
  std::vector<std::string> dns_names;
  std::vector<std::string> emails;
  std::string type = "rsa3072";
  int days = 730;
  std::string key_out;
  std::string cert_out;
  bool force = false;
};

Status write_pem(io::AtomicFile& file, const std::string& pem) { return file.write({pem.data(), pem.size()}); }

int run_new(const NewArgs& args) {
  const auto type = cms::parse_key_type(args.type);
  if (!type) return report_error(Error(Errc::usage, "unknown key type " + args.type + " (rsa2048, rsa3072, rsa4096, ec-p256, ec-p384)"), args.common);
  if (args.key_out == "-" || args.cert_out == "-")
    return report_error(Error(Errc::usage, "--key-out and --cert-out need file names"), args.common);
  std::error_code ec_key, ec_cert;
  const auto key_path = std::filesystem::weakly_canonical(args.key_out, ec_key);
  const auto cert_path = std::filesystem::weakly_canonical(args.cert_out, ec_cert);
  if (args.key_out == args.cert_out || (!ec_key && !ec_cert && key_path == cert_path))
    return report_error(Error(Errc::usage, "--key-out and --cert-out name the same file"), args.common);
  auto passphrase = load_passphrase(args.common);
  if (!passphrase) return report_error(passphrase.error(), args.common);
  // Both targets are claimed before the (slow) key generation: an existing file stops us early.
  auto key_file = io::AtomicFile::create(args.key_out, args.force);
  if (!key_file) return report_error(key_file.error(), args.common);
  auto cert_file = io::AtomicFile::create(args.cert_out, args.force);
  if (!cert_file) return report_error(cert_file.error(), args.common);

  cms::SelfSignedOptions options;
  options.common_name = args.common_name;
  options.organization = args.organization;
  options.country = args.country;
  options.dns_names = args.dns_names;
  options.emails = args.emails;
  options.key_type = *type;
  options.validity_days = args.days;
  auto id = cms::make_self_signed(options);
  if (!id) return report_error(id.error(), args.common);
  const std::optional<std::string_view> pass = *passphrase ? std::optional<std::string_view>(**passphrase) : std::nullopt;
  auto key_pem = cms::to_pem(id->key, pass);
  if (!key_pem) return report_error(key_pem.error(), args.common);
  const Status key_written = write_pem(*key_file, *key_pem);
  ::explicit_bzero(key_pem->data(), key_pem->size());
  if (!key_written) return report_error(key_written.error().with_context(args.key_out), args.common);
  const std::string cert_pem = cms::to_pem(id->certificate);
  if (cert_pem.empty()) return report_error(Error(Errc::internal, "cannot encode the certificate as PEM"), args.common);
  if (auto s = write_pem(*cert_file, cert_pem); !s) return report_error(s.error().with_context(args.cert_out), args.common);
  // The temporary files are mode 0600; a certificate is public, so it gets the usual
  // 0644 (less the umask). The key keeps 0600.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(cert_file->output().fd, 0644 & ~mask) != 0)
    return report_error(io::errno_error(args.cert_out, errno), args.common);

  if (auto s = key_file->finish(); !s) return report_error(s.error(), args.common);
  if (auto s = cert_file->finish(); !s) {
    // A key without its certificate is of no use and would only be mistaken for one.
    std::error_code ignored;
    std::filesystem::remove(args.key_out, ignored);
    return report_error(s.error(), args.common);
  }

  const auto info = id->certificate.info();
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("key_file", args.key_out);
    o->set("key_protected", pass.has_value());
    o->set("cert_file", args.cert_out);
    o->set("certificate", certificate_json(info));
    print_json(o);
  } else {
    print_certificate(info);
  }
  if (!pass && !args.common.quiet)
    std::cerr << "payload: note: " << args.key_out << " is not protected by a passphrase; keep it private\n";
  return exit_ok;
}

// ---- show -----------------------------------------------------------------------------

struct ShowArgs {
  CommonOptions common;
  std::vector<std::string> files;
};

int run_show(const ShowArgs& args) {
  Poco::JSON::Array::Ptr all = new Poco::JSON::Array;
  bool first = true;
  for (const auto& file : args.files) {
    auto certs = cms::Certificate::load_all(file);
    if (!certs) return report_error(certs.error(), args.common);
    for (const auto& cert : *certs) {
      const auto info = cert.info();
      if (args.common.json) {
        auto o = certificate_json(info);
        o->set("file", file);
        all->add(o);
        continue;
      }
      if (!first) std::cout << "\n";
      first = false;
      if (args.files.size() > 1 || certs->size() > 1) std::cout << "file:        " << file << "\n";
      print_certificate(info);
    }
  }
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("certificates", all);
    print_json(o);
  }
  return exit_ok;
}

}  // namespace

void register_cert_commands(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("cert", "X.509 certificates: make our self-signed AS2 identity, show a partner's");
  group->require_subcommand(1);

  auto n = std::make_shared<NewArgs>();
  auto* create = group->add_subcommand("new", "Generate a key and a self-signed AS2 certificate (key passphrase from --passphrase-file/-fd/-env; none: unprotected)");
  create->add_option("--cn", n->common_name, "Common name, e.g. \"ACME AS2\"")->required();
  create->add_option("--org", n->organization, "Organization (O)");
  create->add_option("--country", n->country, "Two-letter country code (C)");
  create->add_option("--dns", n->dns_names, "DNS name for subjectAltName (repeatable)")->allow_extra_args(false);
  create->add_option("--email", n->emails, "E-mail address for subjectAltName (repeatable)")->allow_extra_args(false);
  create->add_option("--type", n->type, "rsa2048, rsa3072 (default), rsa4096, ec-p256, ec-p384 (EC: signing only)");
  create->add_option("--days", n->days, "Validity in days (default 730)");
  create->add_option("--key-out", n->key_out, "Private key file to write (PKCS#8 PEM, mode 0600)")->required();
  create->add_option("--cert-out", n->cert_out, "Certificate file to write (PEM)")->required();
  create->add_flag("-f,--force", n->force, "Replace existing files");
  add_cert_options(*create, n->common, true);
  create->callback([n, &exit_code] { exit_code = run_new(*n); });

  auto s = std::make_shared<ShowArgs>();
  auto* show = group->add_subcommand("show", "Show certificates: subject, issuer, serial, validity, key, SHA-256 fingerprint");
  show->add_option("files", s->files, "Certificate files (PEM, PEM bundles or DER)")->required();
  add_cert_options(*show, s->common, false);
  show->callback([s, &exit_code] { exit_code = run_show(*s); });
}

}  // namespace payload::cli
