// payload::cms algorithm names (RFC 8551 §3.5.3.2 micalg tokens) and their OpenSSL
// counterparts.
#include <payload/cms/algorithms.h>

#include <openssl/obj_mac.h>

#include <cctype>
#include <string>

#include "algorithms_openssl.h"

namespace payload::cms {

std::string_view micalg(DigestAlg digest) noexcept {
  switch (digest) {
    case DigestAlg::md5: return "md5";
    // RFC 4130 spelling: "sha-1" broke receivers (Drummond 3Q12 #13), "sha1" is what
    // everyone accepts.
    case DigestAlg::sha1: return "sha1";
    case DigestAlg::sha224: return "sha-224";
    case DigestAlg::sha256: return "sha-256";
    case DigestAlg::sha384: return "sha-384";
    case DigestAlg::sha512: return "sha-512";
  }
  return "unknown";
}

std::optional<DigestAlg> parse_micalg(std::string_view token) noexcept {
  // Normalise as as2-specs §3.3 says: lower case, drop '-' and '_', "sha2xxx" -> "shaxxx",
  // "rsasha1" -> "sha1".
  std::string t;
  for (char c : token) {
    if (c == '-' || c == '_' || c == ' ') continue;
    t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (t.rfind("rsa", 0) == 0) t.erase(0, 3);
  if (t.size() == 7 && t.rfind("sha2", 0) == 0) t.erase(3, 1);  // sha2256 -> sha256
  if (t == "md5") return DigestAlg::md5;
  if (t == "sha1") return DigestAlg::sha1;
  if (t == "sha224") return DigestAlg::sha224;
  if (t == "sha256") return DigestAlg::sha256;
  if (t == "sha384") return DigestAlg::sha384;
  if (t == "sha512") return DigestAlg::sha512;
  return std::nullopt;
}

std::size_t digest_size(DigestAlg digest) noexcept {
  switch (digest) {
    case DigestAlg::md5: return 16;
    case DigestAlg::sha1: return 20;
    case DigestAlg::sha224: return 28;
    case DigestAlg::sha256: return 32;
    case DigestAlg::sha384: return 48;
    case DigestAlg::sha512: return 64;
  }
  return 0;
}

bool is_legacy(DigestAlg digest) noexcept { return digest == DigestAlg::md5 || digest == DigestAlg::sha1; }

std::string_view name(SignatureScheme scheme) noexcept {
  switch (scheme) {
    case SignatureScheme::rsa_pkcs1v15: return "rsa-pkcs1v15";
    case SignatureScheme::rsa_pss: return "rsa-pss";
    case SignatureScheme::ecdsa: return "ecdsa";
    case SignatureScheme::ed25519: return "ed25519";
  }
  return "unknown";
}

std::string_view name(KeyTransport transport) noexcept {
  switch (transport) {
    case KeyTransport::rsa_pkcs1v15: return "rsa-pkcs1v15";
    case KeyTransport::rsa_oaep_sha1: return "rsa-oaep-sha1";
    case KeyTransport::rsa_oaep_sha256: return "rsa-oaep-sha256";
    case KeyTransport::rsa_oaep_sha512: return "rsa-oaep-sha512";
  }
  return "unknown";
}

std::string_view name(ContentCipher cipher) noexcept {
  switch (cipher) {
    case ContentCipher::aes128_cbc: return "aes-128-cbc";
    case ContentCipher::aes192_cbc: return "aes-192-cbc";
    case ContentCipher::aes256_cbc: return "aes-256-cbc";
    case ContentCipher::des_ede3_cbc: return "des-ede3-cbc";
    case ContentCipher::aes128_gcm: return "aes-128-gcm";
    case ContentCipher::aes256_gcm: return "aes-256-gcm";
  }
  return "unknown";
}

bool is_authenticated(ContentCipher cipher) noexcept {
  return cipher == ContentCipher::aes128_gcm || cipher == ContentCipher::aes256_gcm;
}

namespace detail {

const EVP_MD* evp_md(DigestAlg digest) noexcept {
  switch (digest) {
    case DigestAlg::md5: return EVP_md5();
    case DigestAlg::sha1: return EVP_sha1();
    case DigestAlg::sha224: return EVP_sha224();
    case DigestAlg::sha256: return EVP_sha256();
    case DigestAlg::sha384: return EVP_sha384();
    case DigestAlg::sha512: return EVP_sha512();
  }
  return nullptr;
}

std::optional<DigestAlg> digest_from_nid(int nid) noexcept {
  switch (nid) {
    case NID_md5: return DigestAlg::md5;
    case NID_sha1: return DigestAlg::sha1;
    case NID_sha224: return DigestAlg::sha224;
    case NID_sha256: return DigestAlg::sha256;
    case NID_sha384: return DigestAlg::sha384;
    case NID_sha512: return DigestAlg::sha512;
    default: return std::nullopt;
  }
}

const EVP_CIPHER* evp_cipher(ContentCipher cipher) noexcept {
  switch (cipher) {
    case ContentCipher::aes128_cbc: return EVP_aes_128_cbc();
    case ContentCipher::aes192_cbc: return EVP_aes_192_cbc();
    case ContentCipher::aes256_cbc: return EVP_aes_256_cbc();
    case ContentCipher::des_ede3_cbc: return EVP_des_ede3_cbc();
    case ContentCipher::aes128_gcm: return EVP_aes_128_gcm();
    case ContentCipher::aes256_gcm: return EVP_aes_256_gcm();
  }
  return nullptr;
}

std::optional<ContentCipher> cipher_from_nid(int nid) noexcept {
  switch (nid) {
    case NID_aes_128_cbc: return ContentCipher::aes128_cbc;
    case NID_aes_192_cbc: return ContentCipher::aes192_cbc;
    case NID_aes_256_cbc: return ContentCipher::aes256_cbc;
    case NID_des_ede3_cbc: return ContentCipher::des_ede3_cbc;
    case NID_aes_128_gcm: return ContentCipher::aes128_gcm;
    case NID_aes_256_gcm: return ContentCipher::aes256_gcm;
    default: return std::nullopt;
  }
}

}  // namespace detail
}  // namespace payload::cms
