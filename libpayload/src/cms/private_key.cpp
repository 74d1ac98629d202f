// payload::cms private keys: PEM (PKCS#8, traditional, encrypted or not) and DER
// (PKCS#8 plain or encrypted, traditional) loading.
#include <payload/cms/private_key.h>

#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include <climits>
#include <cstring>

#include "openssl.h"

namespace payload::cms {

using namespace detail;

namespace {

struct Passphrase {
  std::optional<std::string_view> value;
  bool asked = false;
};

// PEM password callback: hands OpenSSL the caller's passphrase; without one it fails
// (returning -1) instead of prompting on a terminal.
int passphrase_callback(char* buf, int size, int /*rwflag*/, void* user) noexcept {
  auto* pass = static_cast<Passphrase*>(user);
  pass->asked = true;
  if (!pass->value || pass->value->size() > static_cast<std::size_t>(size)) return -1;
  std::memcpy(buf, pass->value->data(), pass->value->size());
  return static_cast<int>(pass->value->size());
}

Result<PrivateKey> wrap_key(PkeyPtr key) {
  auto handle = std::make_shared<PrivateKeyHandle>();
  handle->pkey = std::move(key);
  return PrivateKey(std::move(handle));
}

Error passphrase_error(const Passphrase& pass) {
  ERR_clear_error();
  return Error(Errc::bad_passphrase, pass.value ? "the passphrase does not unlock the private key"
                                                : "the private key is passphrase-protected and no passphrase was given");
}

}  // namespace

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::optional<std::string_view> passphrase) {
  ERR_clear_error();
  BioPtr bio = memory_source(pem);
  if (!bio) return fail(Errc::bad_data, "key text too large");
  Passphrase pass{passphrase};
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &pass));
  if (!key) {
    const bool encrypted = pem.find("ENCRYPTED") != std::string_view::npos;
    if (pass.asked || encrypted) return fail(passphrase_error(pass));
    return tl::unexpected(openssl_error(Errc::bad_data, "not a PEM private key"));
  }
  return wrap_key(std::move(key));
}

Result<PrivateKey> PrivateKey::from_der(std::string_view der, std::optional<std::string_view> passphrase) {
  ERR_clear_error();
  if (der.size() > static_cast<std::size_t>(LONG_MAX)) return fail(Errc::bad_data, "key too large");
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const auto len = static_cast<long>(der.size());
  // An EncryptedPrivateKeyInfo (PKCS#8, RFC 5958 §3) parses as X509_SIG.
  const unsigned char* p = begin;
  std::unique_ptr<X509_SIG, Deleter<X509_SIG, X509_SIG_free>> encrypted(d2i_X509_SIG(nullptr, &p, len));
  if (encrypted && p == begin + len) {
    Passphrase pass{passphrase};
    if (!passphrase) return fail(passphrase_error(pass));
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, Deleter<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>> info(
        PKCS8_decrypt(encrypted.get(), passphrase->data(), static_cast<int>(passphrase->size())));
    if (!info) return fail(passphrase_error(pass));
    PkeyPtr key(EVP_PKCS82PKEY(info.get()));
    if (!key) return tl::unexpected(openssl_error(Errc::bad_data, "unreadable PKCS#8 private key"));
    return wrap_key(std::move(key));
  }
  ERR_clear_error();
  p = begin;
  PkeyPtr key(d2i_AutoPrivateKey(nullptr, &p, len));
  if (!key) return tl::unexpected(openssl_error(Errc::bad_data, "not a DER private key"));
  return wrap_key(std::move(key));
}

Result<PrivateKey> PrivateKey::load(const std::filesystem::path& path, std::optional<std::string_view> passphrase) {
  auto text = io::read_file(path);
  if (!text) return fail(text.error());
  const bool pem = text->find("-----BEGIN") != std::string::npos;
  auto key = pem ? from_pem(*text, passphrase) : from_der(*text, passphrase);
  OPENSSL_cleanse(text->data(), text->size());
  if (!key) return fail(key.error().with_context(path.string()));
  return key;
}

std::string PrivateKey::key_type() const {
  switch (EVP_PKEY_get_base_id(pkey(*this))) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
    case EVP_PKEY_EC: return "EC";
    case EVP_PKEY_ED25519: return "ED25519";
    default: return OBJ_nid2sn(EVP_PKEY_get_base_id(pkey(*this)));
  }
}

int PrivateKey::bits() const { return EVP_PKEY_get_bits(pkey(*this)); }

bool PrivateKey::matches(const Certificate& certificate) const {
  const bool ok = X509_check_private_key(x509(certificate), pkey(*this)) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace payload::cms
