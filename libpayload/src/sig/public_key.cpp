// payload::sig public keys: bare partner keys in PEM or DER, and certificates' keys.
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <climits>

#include "openssl_sig.h"

namespace payload::sig {

using namespace detail;

namespace {

PublicKey wrap(PkeyPtr key) {
  auto handle = std::make_shared<PublicKeyHandle>();
  handle->pkey = std::move(key);
  return PublicKey(std::move(handle));
}

// "RSA PUBLIC KEY" (PKCS#1 RSAPublicKey), which only the decoder framework still reads.
PkeyPtr decode_rsa_public_key(std::string_view text, const char* format) {
  ERR_clear_error();
  EVP_PKEY* key = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, cms::detail::Deleter<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free>> ctx(
      OSSL_DECODER_CTX_new_for_pkey(&key, format, nullptr, "RSA", OSSL_KEYMGMT_SELECT_PUBLIC_KEY, nullptr, nullptr));
  if (!ctx) return nullptr;
  const auto* data = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t size = text.size();
  if (OSSL_DECODER_from_data(ctx.get(), &data, &size) != 1) return nullptr;
  return PkeyPtr(key);
}

}  // namespace

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  ERR_clear_error();
  auto bio = cms::detail::memory_source(pem);
  if (!bio) return fail(Errc::bad_data, "key text too large");
  // "PUBLIC KEY" (SubjectPublicKeyInfo); PEM_read_bio_PUBKEY also takes "RSA PUBLIC KEY".
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) key = decode_rsa_public_key(pem, "PEM");
  if (!key) return fail(cms::detail::openssl_error(Errc::bad_data, "not a PEM public key"));
  return wrap(std::move(key));
}

Result<PublicKey> PublicKey::from_der(std::string_view der) {
  ERR_clear_error();
  if (der.size() > static_cast<std::size_t>(LONG_MAX)) return fail(Errc::bad_data, "key too large");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key) key = decode_rsa_public_key(der, "DER");
  if (!key) return fail(cms::detail::openssl_error(Errc::bad_data, "not a DER public key"));
  return wrap(std::move(key));
}

Result<PublicKey> PublicKey::load(const std::filesystem::path& path) {
  auto text = io::read_file(path);
  if (!text) return fail(text.error());
  auto key = text->find("-----BEGIN") != std::string::npos ? from_pem(*text) : from_der(*text);
  if (!key) return fail(key.error().with_context(path.string()));
  return key;
}

PublicKey PublicKey::of(const cms::Certificate& certificate) {
  EVP_PKEY* key = X509_get0_pubkey(cms::detail::x509(certificate));
  if (key != nullptr) EVP_PKEY_up_ref(key);
  return wrap(PkeyPtr(key));
}

std::string PublicKey::key_type() const {
  const EVP_PKEY* key = pkey(*this);
  if (key == nullptr) return "none";
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
    case EVP_PKEY_EC: return "EC";
    case EVP_PKEY_ED25519: return "ED25519";
    default: return OBJ_nid2sn(EVP_PKEY_get_base_id(key));
  }
}

int PublicKey::bits() const { return pkey(*this) != nullptr ? EVP_PKEY_get_bits(pkey(*this)) : 0; }

std::string PublicKey::sha256_fingerprint() const {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(pkey(*this), &der);
  if (len <= 0) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  const bool ok = EVP_Digest(der, static_cast<std::size_t>(len), md, &md_len, EVP_sha256(), nullptr) == 1;
  OPENSSL_free(der);
  return ok ? cms::detail::hex(md, md_len) : std::string();
}

}  // namespace payload::sig
