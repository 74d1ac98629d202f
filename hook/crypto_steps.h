// payload hook crypto steps: encrypt, decrypt and verify one file with the policy's keys,
// through libpayload's pgp (GPGME) and cms (OpenSSL) modules.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>
#include <payload/core/error.h>
#include <payload/core/secret.h>
#include <payload/pgp/keyring.h>

#include "audit_trail.h"
#include "policy.h"

namespace payload::hook {

// What an input already is, judged from its first bytes.
enum class Sealed { none, openpgp, cms };
[[nodiscard]] Sealed sniff_encrypted(const std::filesystem::path& file);

// The keys of one policy, opened once for all the files of one invocation: the OpenPGP
// keyring on first use (its agent is stopped when this goes, if we started it), the
// S/MIME certificates and keys when the policy is prepared.
class PolicyKeys final {
public:
  // Loads everything the policy names (certificates, keys, passphrase). Errors: usage,
  // naming the file: a configuration error, found before any file is touched.
  static Result<std::unique_ptr<PolicyKeys>> prepare(const Policy& policy);

  Result<pgp::Keyring*> keyring();
  [[nodiscard]] const std::filesystem::path& home() const noexcept { return m_home; }
  [[nodiscard]] const std::optional<Secret>& passphrase() const noexcept { return m_passphrase; }
  // Certificates loaded for a path named in the policy.
  [[nodiscard]] const std::vector<cms::Certificate>& certificates(const std::filesystem::path& file) const;
  [[nodiscard]] const cms::Identity& identity(const std::filesystem::path& certificate) const;

private:
  PolicyKeys() = default;
  std::filesystem::path m_home;
  std::optional<pgp::Keyring> m_keyring;
  std::optional<Secret> m_passphrase;
  std::vector<std::pair<std::filesystem::path, std::vector<cms::Certificate>>> m_certificates;
  std::vector<std::pair<std::filesystem::path, cms::Identity>> m_identities;
};

// Each writes its output to `out` through an io::AtomicFile (replacing a file there only
// when `replace`, i.e. an output this run claimed before a crash) and returns the
// fields its audit event adds.
Result<AuditFields> encrypt_file(PolicyKeys& keys, const EncryptStep& step, const std::filesystem::path& in,
                                 const std::filesystem::path& out, bool replace);
Result<AuditFields> decrypt_file(PolicyKeys& keys, const DecryptStep& step, const std::filesystem::path& in,
                                 const std::filesystem::path& out, bool replace);

// Checks the detached signature beside `file` (FILE.sig, .asc, .p7s or .sign: OpenPGP,
// CMS or raw RSA, recognised by payload::sig from its bytes); `signature` is set to the
// file used. Errors: bad_signature (missing, bad), no_key (an untrusted signer),
// key_unusable (expired key or certificate), bad_data, unsupported.
Result<AuditFields> verify_file(PolicyKeys& keys, const VerifyStep& step, const std::filesystem::path& file,
                                std::filesystem::path& signature);

}  // namespace payload::hook
