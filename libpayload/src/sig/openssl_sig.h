// Private to src/sig: the OpenSSL side of raw signatures. Reuses the cms module's RAII
// handles and error draining (src/cms/openssl.h) instead of repeating them, since sig is
// layered above cms and works on its Certificate and PrivateKey objects.
#pragma once

#include <openssl/evp.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <payload/sig/raw.h>

#include "../cms/openssl.h"

namespace payload::sig::detail {

using cms::detail::PkeyPtr;

struct PublicKeyHandle {
  PkeyPtr pkey;
};

inline EVP_PKEY* pkey(const PublicKey& key) { return key.handle().pkey.get(); }

// The OpenSSL digest for one of ours (EVP_sha256(), ...).
[[nodiscard]] const EVP_MD* evp_md(Digest digest) noexcept;

// Sets RSA padding (and for PSS: MGF1 digest, salt length) on a signing or verifying
// context. `pss_salt` is an OpenSSL saltlen value: RSA_PSS_SALTLEN_DIGEST to sign,
// RSA_PSS_SALTLEN_AUTO to verify any salt.
[[nodiscard]] bool set_padding(EVP_PKEY_CTX* ctx, Padding padding, Digest digest, int pss_salt) noexcept;

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, cms::detail::Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, cms::detail::Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;

// Reads `input` to its end in chunks and hands each to `update` (false: a digest failed);
// reports progress.
Status stream(const io::Input& input, const io::ProgressFn& progress,
              const std::function<bool(const void* data, std::size_t size)>& update);

}  // namespace payload::sig::detail
