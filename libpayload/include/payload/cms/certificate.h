// payload::cms certificates: X.509 certificates loaded from PEM or DER, and what a
// partner profile needs to show about them.
//
// AS2 partners pin each other's certificates (i05 §9: self-signed allowed, CA optional),
// so this module never builds a chain: a Certificate is trusted because the caller
// configured it, and only its validity period is checked.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>

namespace payload::cms {

namespace detail {
struct CertificateHandle;  // owns the OpenSSL X509; defined in src/cms
}

struct CertificateInfo {
  std::string subject;  // RFC 2253 form, e.g. "CN=PEER_B,O=AS2 interop harness"
  std::string issuer;
  std::string serial;   // upper-case hex, no separators
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  std::string key_type;  // "RSA", "RSA-PSS", "EC", "ED25519"
  int key_bits = 0;      // modulus size for RSA, curve size for EC
  std::string curve;     // "P-256", "P-384" for EC keys, else empty
  std::string sha256_fingerprint;  // hex of SHA-256 over the DER, for out-of-band checks (i05 §9.2)
};

// One certificate. Copies share the same immutable OpenSSL object.
class Certificate final {
public:
  // The first certificate of a PEM text; bad_data when there is none or it is malformed.
  static Result<Certificate> from_pem(std::string_view pem);
  static Result<Certificate> from_der(std::string_view der);
  // PEM or DER, detected from the content; io errors name the file.
  static Result<Certificate> load(const std::filesystem::path& path);
  // Every certificate of a PEM bundle (at least one).
  static Result<std::vector<Certificate>> load_all(const std::filesystem::path& path);

  [[nodiscard]] CertificateInfo info() const;
  [[nodiscard]] std::string der() const;
  // Whether `at` lies inside [not_before, not_after].
  [[nodiscard]] bool valid_at(std::chrono::system_clock::time_point at) const;

  explicit Certificate(std::shared_ptr<const detail::CertificateHandle> handle) : m_handle(std::move(handle)) {}
  [[nodiscard]] const detail::CertificateHandle& handle() const noexcept { return *m_handle; }

private:
  std::shared_ptr<const detail::CertificateHandle> m_handle;
};

}  // namespace payload::cms
