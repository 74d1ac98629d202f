// payload hook crypto steps.
#include "crypto_steps.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include <payload/cms/decrypt.h>
#include <payload/cms/encrypt.h>
#include <payload/cms/sign.h>
#include <payload/cms/verify.h>
#include <payload/io/file.h>
#include <payload/pgp/armor.h>
#include <payload/pgp/message.h>
#include <payload/pgp/packet.h>
#include <payload/pgp/signature.h>
#include <payload/sig/detect.h>
#include <payload/sig/verify_any.h>

namespace payload::hook {
namespace {

std::string read_head(const std::filesystem::path& file, std::size_t n) {
  std::string head(n, '\0');
  io::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return {};
  const auto got = ::read(fd.get(), head.data(), n);
  head.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return head;
}

// The tag of the first OpenPGP packet in `head`, or -1.
int first_packet_tag(std::string_view head) {
  if (head.empty()) return -1;
  const auto b = static_cast<unsigned char>(head[0]);
  if (!(b & 0x80)) return -1;
  return (b & 0x40) ? (b & 0x3f) : ((b >> 2) & 0x0f);
}

bool contains(std::string_view head, std::string_view needle) { return head.find(needle) != std::string_view::npos; }

// The DER of the CMS content types: envelopedData (1.2.840.113549.1.7.3),
// authEnvelopedData (1.2.840.113549.1.9.16.1.23), signedData (1.2.840.113549.1.7.2).
constexpr std::string_view kEnvelopedOid{"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x03", 11};
constexpr std::string_view kAuthEnvelopedOid{"\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x17", 13};

Status rewind(int fd, const std::string& what) {
  if (::lseek(fd, 0, SEEK_SET) != 0) return fail(io::errno_error(what, errno));
  return {};
}

}  // namespace

Sealed sniff_encrypted(const std::filesystem::path& file) {
  const auto head = read_head(file, 64);
  const int tag = first_packet_tag(head);
  if (tag == pgp::tag::pkesk || tag == pgp::tag::skesk) return Sealed::openpgp;
  if (pgp::starts_armored(head) && contains(head, "-----BEGIN PGP MESSAGE-----")) return Sealed::openpgp;
  if (!head.empty() && head[0] == '\x30' && (contains(head.substr(0, 32), kEnvelopedOid) || contains(head.substr(0, 32), kAuthEnvelopedOid)))
    return Sealed::cms;
  return Sealed::none;
}

Result<std::unique_ptr<PolicyKeys>> PolicyKeys::prepare(const Policy& policy) {
  std::unique_ptr<PolicyKeys> keys(new PolicyKeys);
  keys->m_home = policy.keyring.empty() ? pgp::Keyring::default_home() : policy.keyring;
  auto config_error = [&](const Error& e) { return fail(Errc::usage, "policy [" + policy.name + "]: " + e.message()); };
  if (!policy.passphrase_file.empty()) {
    auto text = io::read_file(policy.passphrase_file);
    if (!text) return config_error(text.error());
    const Secret whole(std::move(*text));
    keys->m_passphrase = Secret(whole.view().substr(0, whole.view().find_first_of("\r\n")));
  }
  auto add_certs = [&](const std::vector<std::filesystem::path>& files) -> Status {
    for (const auto& f : files) {
      auto certs = cms::Certificate::load_all(f);
      if (!certs) return config_error(certs.error());
      keys->m_certificates.emplace_back(f, std::move(*certs));
    }
    return {};
  };
  auto add_identity = [&](const std::filesystem::path& cert, const std::filesystem::path& key) -> Status {
    if (cert.empty()) return {};
    auto c = cms::Certificate::load(cert);
    if (!c) return config_error(c.error());
    auto k = cms::PrivateKey::load(key, keys->m_passphrase ? std::optional<std::string_view>(keys->m_passphrase->view()) : std::nullopt);
    if (!k) return config_error(k.error().with_context(key.string()));
    if (!k->matches(*c)) return config_error(Error(Errc::usage, key.string() + ": not the key of " + cert.string()));
    keys->m_identities.emplace_back(cert, cms::Identity{*c, *k});
    return {};
  };
  for (const auto& step : policy.steps) {
    Status loaded;
    if (const auto* e = std::get_if<EncryptStep>(&step)) {
      loaded = add_certs(e->recipient_certs);
      if (loaded) loaded = add_identity(e->sign_certificate, e->sign_key);
    } else if (const auto* d = std::get_if<DecryptStep>(&step)) {
      loaded = add_certs(d->signer_certs);
      if (loaded) loaded = add_identity(d->certificate, d->key);
    } else if (const auto* v = std::get_if<VerifyStep>(&step)) {
      loaded = add_certs(v->certificates);
      for (const auto& k : v->public_keys)
        if (loaded && !std::filesystem::is_regular_file(k))
          loaded = config_error(Error(Errc::io, k.string() + ": no such public key file"));
    }
    if (!loaded) return fail(loaded.error());
  }
  return keys;
}

Result<pgp::Keyring*> PolicyKeys::keyring() {
  if (!m_keyring) {
    auto opened = pgp::Keyring::open(m_home);
    if (!opened) return fail(Errc::usage, "keyring " + m_home.string() + ": " + opened.error().message());
    m_keyring.emplace(std::move(*opened));
  }
  return &*m_keyring;
}

const std::vector<cms::Certificate>& PolicyKeys::certificates(const std::filesystem::path& file) const {
  for (const auto& [path, certs] : m_certificates)
    if (path == file) return certs;
  static const std::vector<cms::Certificate> none;
  return none;
}

const cms::Identity& PolicyKeys::identity(const std::filesystem::path& certificate) const {
  for (const auto& [path, id] : m_identities)
    if (path == certificate) return id;
  return m_identities.front().second;  // prepare() loaded every identity a step names
}

Result<AuditFields> encrypt_file(PolicyKeys& keys, const EncryptStep& step, const std::filesystem::path& in,
                                 const std::filesystem::path& out, bool replace) {
  auto input = io::InputFile::open(in);
  if (!input) return fail(input.error());
  auto target = io::AtomicFile::create(out, replace);
  if (!target) return fail(target.error());
  AuditFields fields{{"format", step.format == Format::openpgp ? "openpgp" : "smime"}};
  if (step.format == Format::openpgp) {
    auto keyring = keys.keyring();
    if (!keyring) return fail(keyring.error());
    pgp::EncryptOptions options;
    options.recipients = step.recipients;
    if (!step.sign_with.empty()) options.signers = {step.sign_with};
    options.key_passphrase = keys.passphrase();
    options.armor = step.armor;
    auto report = pgp::encrypt(**keyring, options, input->input(), target->output());
    if (!report) return fail(report.error());
    std::string recipients;
    for (const auto& r : report->recipients) recipients += (recipients.empty() ? "" : ",") + r;
    fields.insert(fields.end(), {{"cipher", report->cipher}, {"recipients", recipients}, {"signed", step.sign_with.empty() ? "no" : "yes"}});
  } else {
    std::vector<cms::Certificate> recipients;
    for (const auto& f : step.recipient_certs) {
      const auto& certs = keys.certificates(f);
      recipients.insert(recipients.end(), certs.begin(), certs.end());
    }
    if (step.sign_certificate.empty()) {
      if (auto done = cms::encrypt(input->input(), target->output(), recipients); !done) return fail(done.error());
    } else {
      // Signed, then enveloped (S/MIME's usual order): the signature waits in an anonymous spool.
      auto spool = io::SpoolFile::create();
      if (!spool) return fail(spool.error());
      if (auto s = cms::sign_enveloping(input->input(), spool->output(), keys.identity(step.sign_certificate)); !s) return fail(s.error());
      if (auto r = rewind(spool->output().fd, "spool"); !r) return fail(r.error());
      if (auto done = cms::encrypt(io::Input{spool->output().fd, {}, 0}, target->output(), recipients); !done) return fail(done.error());
    }
    fields.insert(fields.end(), {{"cipher", "AES256-CBC"}, {"signed", step.sign_certificate.empty() ? "no" : "yes"}});
  }
  if (auto done = target->finish(); !done) return fail(done.error());
  return fields;
}

Result<AuditFields> decrypt_file(PolicyKeys& keys, const DecryptStep& step, const std::filesystem::path& in,
                                 const std::filesystem::path& out, bool replace) {
  const auto sealed = sniff_encrypted(in);
  Format format;
  if (step.format) format = *step.format;
  else if (sealed == Sealed::openpgp) format = Format::openpgp;
  else if (sealed == Sealed::cms) format = Format::smime;
  else return fail(Errc::bad_data, "not an encrypted OpenPGP or CMS message");
  auto input = io::InputFile::open(in);
  if (!input) return fail(input.error());
  auto target = io::AtomicFile::create(out, replace);
  if (!target) return fail(target.error());
  AuditFields fields{{"format", format == Format::openpgp ? "openpgp" : "smime"}};
  if (format == Format::openpgp) {
    auto keyring = keys.keyring();
    if (!keyring) return fail(keyring.error());
    pgp::DecryptOptions options;
    options.key_passphrase = keys.passphrase();
    auto report = pgp::decrypt(**keyring, options, input->input(), target->output());
    if (!report) return fail(report.error());
    std::string signer;
    if (!step.require_signers.empty()) {
      // Every named signer must have signed (pgp::check_signatures' rule).
      if (auto ok = pgp::check_signatures(report->signatures, step.require_signers); !ok) {
        const bool expired = std::any_of(report->signatures.begin(), report->signatures.end(), [](const auto& s) {
          return s.status == pgp::SignatureStatus::expired_key || s.status == pgp::SignatureStatus::revoked_key;
        });
        return fail(expired ? Errc::key_unusable : Errc::bad_signature, ok.error().message());
      }
    }
    for (const auto& s : report->signatures)
      if (s.good()) signer += (signer.empty() ? "" : ",") + s.primary_fingerprint;
    fields.insert(fields.end(), {{"cipher", report->cipher}, {"signers", signer}});
  } else {
    if (step.certificate.empty()) return fail(Errc::usage, "decrypt.certificate and decrypt.key are needed for S/MIME input");
    const std::vector<cms::Identity> identities{keys.identity(step.certificate)};
    std::vector<cms::Certificate> signers;
    for (const auto& f : step.signer_certs) {
      const auto& certs = keys.certificates(f);
      signers.insert(signers.end(), certs.begin(), certs.end());
    }
    if (signers.empty()) {
      auto report = cms::decrypt(input->input(), target->output(), identities);
      if (!report) return fail(report.error());
    } else {
      // The envelope holds a SignedData: open it into a spool, verify from there.
      auto spool = io::SpoolFile::create();
      if (!spool) return fail(spool.error());
      auto report = cms::decrypt(input->input(), spool->output(), identities);
      if (!report) return fail(report.error());
      if (auto r = rewind(spool->output().fd, "spool"); !r) return fail(r.error());
      auto verified = cms::verify_enveloping(io::Input{spool->output().fd, {}, 0}, target->output(), signers);
      if (!verified) return fail(verified.error());
      fields.emplace_back("signers", verified->signers.front().subject);
    }
  }
  if (auto done = target->finish(); !done) return fail(done.error());
  return fields;
}

Result<AuditFields> verify_file(PolicyKeys& keys, const VerifyStep& step, const std::filesystem::path& file,
                                std::filesystem::path& signature) {
  // Only a detached signature beside the file counts: the file itself is the payload,
  // even when it happens to be a signed message.
  const auto found = sig::find_detached_signature(file);
  if (!found) return fail(Errc::bad_signature, "missing signature: no .sig, .asc, .p7s or .sign beside the file");
  signature = *found;
  sig::TrustAnchors anchors;
  anchors.certificates = step.certificates;
  anchors.public_keys = step.public_keys;
  anchors.pgp_home = keys.home();
  anchors.pgp_signers = step.signers;
  auto check = sig::verify_signature(file, signature, anchors);
  if (!check) return fail(check.error());
  if (auto verdict = check->verdict(); !verdict) return fail(verdict.error());
  return AuditFields{{"signature", signature.string()}, {"kind", std::string(sig::kind_name(check->kind))},
                     {"signer", check->signer}, {"digest", check->digest}};
}

}  // namespace payload::hook
