// payload::cms private keys: RSA and EC keys loaded from PEM or DER, optionally
// passphrase-protected (PKCS#8 or the traditional OpenSSL PEM encryption).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <payload/cms/certificate.h>
#include <payload/core/error.h>

namespace payload::cms {

namespace detail {
struct PrivateKeyHandle;  // owns the OpenSSL EVP_PKEY; defined in src/cms
}

// One private key. Copies share the same OpenSSL object; the key material stays in
// OpenSSL's memory and is freed (cleansed) with the last copy.
class PrivateKey final {
public:
  // Errors: bad_passphrase when the key is encrypted and the passphrase is missing or
  // wrong; bad_data when the text is not a key.
  static Result<PrivateKey> from_pem(std::string_view pem, std::optional<std::string_view> passphrase = {});
  static Result<PrivateKey> from_der(std::string_view der, std::optional<std::string_view> passphrase = {});
  static Result<PrivateKey> load(const std::filesystem::path& path, std::optional<std::string_view> passphrase = {});

  [[nodiscard]] std::string key_type() const;  // "RSA", "EC", ...
  [[nodiscard]] int bits() const;
  // Whether this key is the private half of the certificate's public key.
  [[nodiscard]] bool matches(const Certificate& certificate) const;

  explicit PrivateKey(std::shared_ptr<const detail::PrivateKeyHandle> handle) : m_handle(std::move(handle)) {}
  [[nodiscard]] const detail::PrivateKeyHandle& handle() const noexcept { return *m_handle; }

private:
  std::shared_ptr<const detail::PrivateKeyHandle> m_handle;
};

// A certificate with its private key: our own identity for signing and decrypting.
struct Identity {
  Certificate certificate;
  PrivateKey key;
};

}  // namespace payload::cms
