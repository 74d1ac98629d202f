// Private to src/cms: the mapping between payload::cms algorithm enums and OpenSSL's
// NIDs and EVP objects.
#pragma once

#include <openssl/evp.h>

#include <optional>

#include <payload/cms/algorithms.h>

namespace payload::cms::detail {

const EVP_MD* evp_md(DigestAlg digest) noexcept;
std::optional<DigestAlg> digest_from_nid(int nid) noexcept;
const EVP_CIPHER* evp_cipher(ContentCipher cipher) noexcept;
std::optional<ContentCipher> cipher_from_nid(int nid) noexcept;

}  // namespace payload::cms::detail
