// payload::cms self-signed identities: a new key pair and a self-signed X.509 v3
// certificate fit for AS2 (what `payload cert new` makes for partner onboarding), and
// the PEM forms to hand them over.
//
// AS2 partners pin each other's certificates and may use self-signed ones (i05 §10.2),
// exchanging a fingerprint out of band. The certificate carries what signing and
// encrypting partners check: basicConstraints CA:FALSE (critical), keyUsage (critical),
// subjectKeyIdentifier, and subjectAltName (non-critical) when a DNS name or an e-mail
// address is given.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>
#include <payload/core/error.h>

namespace payload::cms {

enum class KeyType { rsa2048, rsa3072, rsa4096, ec_p256, ec_p384 };

[[nodiscard]] std::string_view name(KeyType type) noexcept;  // "rsa2048", ..., "ec-p256", "ec-p384"
// Accepts the names above (case-insensitive).
[[nodiscard]] std::optional<KeyType> parse_key_type(std::string_view text) noexcept;

struct SelfSignedOptions {
  std::string common_name;          // required, UTF-8
  std::string organization;         // empty: no O attribute
  std::string country;              // empty: no C attribute; else two letters (ISO 3166-1 alpha-2)
  std::vector<std::string> dns_names;  // subjectAltName dNSName entries
  std::vector<std::string> emails;     // subjectAltName rfc822Name entries (RFC 8551 §3.1)
  KeyType key_type = KeyType::rsa3072;
  int validity_days = 730;          // 1 to 36500, counted from now
};

// Generates the key pair and the certificate: X.509 v3, a random positive 128-bit serial,
// issuer = subject, SHA-256 signature. keyUsage is digitalSignature, nonRepudiation,
// keyEncipherment and dataEncipherment for RSA keys (one AS2 certificate signs and
// receives encrypted messages); EC keys cannot do key transport, so theirs is
// digitalSignature and nonRepudiation only (RFC 5480 §3).
// Errors: usage (empty common name, malformed country, DNS name or e-mail address,
// validity out of range), internal (OpenSSL failed).
Result<Identity> make_self_signed(const SelfSignedOptions& options);

// "-----BEGIN CERTIFICATE-----" text.
[[nodiscard]] std::string to_pem(const Certificate& certificate);
// PKCS#8 PEM: "-----BEGIN PRIVATE KEY-----", or with a passphrase "-----BEGIN ENCRYPTED
// PRIVATE KEY-----" (PBES2: PBKDF2 with HMAC-SHA-256, AES-256-CBC). The returned string
// holds the key; the caller should not keep it longer than needed.
// Errors: usage (an empty passphrase protects nothing), internal.
Result<std::string> to_pem(const PrivateKey& key, std::optional<std::string_view> passphrase);

}  // namespace payload::cms
