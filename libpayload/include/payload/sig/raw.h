// payload::sig raw signatures: a bare RSA signature over a file (RFC 8017), the form
// `openssl dgst -sign` and `openssl pkeyutl -sign` make: no envelope, no certificate,
// just the signature value, as long as the key's modulus.
//
// RSASSA-PSS is the default: MGF1 with the message digest, salt as long as the digest
// (RFC 8017 9.1 and RFC 4055's recommendation). Verification accepts any salt length
// (OpenSSL 3's `dgst -sigopt rsa_padding_mode:pss` signs with the longest salt that
// fits). RSASSA-PKCS1-v1_5 on request. Only SHA-2 digests.
//
// Files are read once, in chunks: memory does not grow with their size.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>
#include <payload/core/error.h>
#include <payload/io/file.h>

namespace payload::sig {

enum class Padding { pss, pkcs1v15 };
enum class Digest { sha224, sha256, sha384, sha512 };

[[nodiscard]] std::string_view name(Padding padding) noexcept;  // "rsa-pss", "rsa-pkcs1v15"
[[nodiscard]] std::string_view name(Digest digest) noexcept;    // "sha256", ...
// "sha256", "SHA-256", "sha2-256" (any case); none for anything else, SHA-1 and MD5 included.
[[nodiscard]] std::optional<Digest> parse_digest(std::string_view text) noexcept;

namespace detail {
struct PublicKeyHandle;  // owns the OpenSSL EVP_PKEY; defined in src/sig
}

// A bare RSA public key (PEM or DER SubjectPublicKeyInfo, or PEM "RSA PUBLIC KEY"): a
// partner key without a certificate, hence without validity dates or key usage.
class PublicKey final {
public:
  static Result<PublicKey> from_pem(std::string_view pem);
  static Result<PublicKey> from_der(std::string_view der);
  static Result<PublicKey> load(const std::filesystem::path& path);
  // The public key of a certificate.
  static PublicKey of(const cms::Certificate& certificate);

  [[nodiscard]] std::string key_type() const;  // "RSA", "RSA-PSS", "EC", ...
  [[nodiscard]] int bits() const;
  // Hex SHA-256 of the DER SubjectPublicKeyInfo (what `openssl pkey -pubin -outform DER | sha256sum` prints).
  [[nodiscard]] std::string sha256_fingerprint() const;

  explicit PublicKey(std::shared_ptr<const detail::PublicKeyHandle> handle) : m_handle(std::move(handle)) {}
  [[nodiscard]] const detail::PublicKeyHandle& handle() const noexcept { return *m_handle; }

private:
  std::shared_ptr<const detail::PublicKeyHandle> m_handle;
};

struct RawSignOptions {
  Padding padding = Padding::pss;
  Digest digest = Digest::sha256;
  io::ProgressFn progress;
};

// Signs `content` (read to its end) with an RSA key; returns the signature value.
// Errors: usage (not an RSA key), io (reading), internal.
Result<std::string> sign_raw(const io::Input& content, const cms::PrivateKey& key, const RawSignOptions& options = {});

// Why a certificate may not vouch for a signature now.
enum class CertificateProblem { none, expired, not_yet_valid, key_usage };
// Expired or not yet valid at `now`, or a keyUsage extension without digitalSignature and
// nonRepudiation (RFC 5280 4.2.1.3). A certificate without keyUsage may sign.
[[nodiscard]] CertificateProblem check_certificate(const cms::Certificate& certificate,
                                                   std::chrono::system_clock::time_point now);
// One line for a problem: "certificate CN=... expired on 2025-01-01T00:00:00Z".
[[nodiscard]] std::string describe(CertificateProblem problem, const cms::Certificate& certificate);

}  // namespace payload::sig
