// Private to src/sig: recovering the RSA encoding of a raw signature.
#include "raw_scheme.h"

#include <openssl/rsa.h>

#include <array>
#include <vector>

#include "openssl_sig.h"

namespace payload::sig::detail {

namespace {

using Bytes = std::vector<unsigned char>;

// The RSA public operation without padding: s^e mod n, as many bytes as the modulus.
std::optional<Bytes> public_operation(EVP_PKEY* key, std::string_view signature) {
  std::unique_ptr<EVP_PKEY_CTX, cms::detail::Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>> ctx(EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) <= 0) {
    ERR_clear_error();
    return std::nullopt;
  }
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  std::size_t size = 0;
  if (EVP_PKEY_verify_recover(ctx.get(), nullptr, &size, sig, signature.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  Bytes out(size);
  if (EVP_PKEY_verify_recover(ctx.get(), out.data(), &size, sig, signature.size()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

struct DigestInfoPrefix {
  std::string_view name;
  std::optional<Digest> digest;
  std::string_view prefix;  // RFC 8017 9.2 note 1: DER of DigestInfo up to the digest value
  std::size_t digest_size;
};

const std::array<DigestInfoPrefix, 6> kDigestInfos{{
    {"sha224", Digest::sha224, std::string_view("\x30\x2d\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x04\x05\x00\x04\x1c", 19), 28},
    {"sha256", Digest::sha256, std::string_view("\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20", 19), 32},
    {"sha384", Digest::sha384, std::string_view("\x30\x41\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x02\x05\x00\x04\x30", 19), 48},
    {"sha512", Digest::sha512, std::string_view("\x30\x51\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x03\x05\x00\x04\x40", 19), 64},
    {"sha1", std::nullopt, std::string_view("\x30\x21\x30\x09\x06\x05\x2b\x0e\x03\x02\x1a\x05\x00\x04\x14", 15), 20},
    {"md5", std::nullopt, std::string_view("\x30\x20\x30\x0c\x06\x08\x2a\x86\x48\x86\xf7\x0d\x02\x05\x05\x00\x04\x10", 18), 16},
}};

// EM = 0x00 0x01 0xFF..0xFF 0x00 DigestInfo (RFC 8017 9.2, at least 8 bytes of 0xFF).
std::optional<RecoveredScheme> pkcs1v15(const Bytes& em) {
  if (em.size() < 11 || em[0] != 0x00 || em[1] != 0x01) return std::nullopt;
  std::size_t i = 2;
  while (i < em.size() && em[i] == 0xff) ++i;
  if (i < 10 || i >= em.size() || em[i] != 0x00) return std::nullopt;
  const std::string_view info(reinterpret_cast<const char*>(em.data()) + i + 1, em.size() - i - 1);
  for (const auto& d : kDigestInfos)
    if (info.size() == d.prefix.size() + d.digest_size && info.substr(0, d.prefix.size()) == d.prefix)
      return RecoveredScheme{Padding::pkcs1v15, d.digest, std::string(d.name)};
  return std::nullopt;
}

// MGF1 (RFC 8017 B.2.1).
Bytes mgf1(const unsigned char* seed, std::size_t seed_size, std::size_t length, const EVP_MD* md) {
  Bytes mask;
  const auto h = static_cast<std::size_t>(EVP_MD_get_size(md));
  std::vector<unsigned char> block(seed, seed + seed_size);
  block.resize(seed_size + 4);
  unsigned char digest[EVP_MAX_MD_SIZE];
  for (std::uint32_t counter = 0; mask.size() < length; ++counter) {
    block[seed_size] = static_cast<unsigned char>(counter >> 24);
    block[seed_size + 1] = static_cast<unsigned char>(counter >> 16);
    block[seed_size + 2] = static_cast<unsigned char>(counter >> 8);
    block[seed_size + 3] = static_cast<unsigned char>(counter);
    unsigned int n = 0;
    if (EVP_Digest(block.data(), block.size(), digest, &n, md, nullptr) != 1) return {};
    mask.insert(mask.end(), digest, digest + std::min<std::size_t>(h, length - mask.size()));
  }
  return mask;
}

// EMSA-PSS (RFC 8017 9.1.2) with MGF1 over `md`: maskedDB || H || 0xbc, where DB
// unmasks to zeros, 0x01 and the salt.
bool pss_decodes(const Bytes& em, std::size_t em_bits, const EVP_MD* md) {
  const auto h = static_cast<std::size_t>(EVP_MD_get_size(md));
  if (em.size() < h + 2 || em.back() != 0xbc) return false;
  const std::size_t db_size = em.size() - h - 1;
  Bytes db = mgf1(em.data() + db_size, h, db_size, md);
  if (db.size() != db_size) return false;
  for (std::size_t i = 0; i < db_size; ++i) db[i] ^= em[i];
  db[0] &= static_cast<unsigned char>(0xff >> (8 * em.size() - em_bits));
  std::size_t i = 0;
  while (i < db_size && db[i] == 0) ++i;
  return i < db_size && db[i] == 0x01;
}

std::vector<RecoveredScheme> pss(Bytes em, int modulus_bits) {
  // emBits = modBits - 1; when that is a multiple of 8 the leading byte is a zero.
  const auto em_bits = static_cast<std::size_t>(modulus_bits - 1);
  const std::size_t em_size = (em_bits + 7) / 8;
  std::vector<RecoveredScheme> found;
  if (em.size() > em_size) {
    if (em.front() != 0) return found;
    em.erase(em.begin());
  }
  struct Candidate {
    std::string_view name;
    std::optional<Digest> digest;
    const EVP_MD* md;
  };
  const std::array<Candidate, 5> candidates{{{"sha256", Digest::sha256, EVP_sha256()},
                                             {"sha384", Digest::sha384, EVP_sha384()},
                                             {"sha512", Digest::sha512, EVP_sha512()},
                                             {"sha224", Digest::sha224, EVP_sha224()},
                                             {"sha1", std::nullopt, EVP_sha1()}}};
  for (const auto& c : candidates)
    if (pss_decodes(em, em_bits, c.md)) found.push_back(RecoveredScheme{Padding::pss, c.digest, std::string(c.name)});
  return found;
}

}  // namespace

std::vector<RecoveredScheme> recover_schemes(EVP_PKEY* key, std::string_view signature) {
  auto em = public_operation(key, signature);
  if (!em) return {};
  // A PKCS#1 v1.5 block is exact (fixed padding, DigestInfo): no PSS candidate then.
  if (auto scheme = pkcs1v15(*em)) return {*scheme};
  return pss(std::move(*em), EVP_PKEY_get_bits(key));
}

}  // namespace payload::sig::detail
