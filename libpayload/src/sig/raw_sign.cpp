// payload::sig raw signing: EVP_DigestSign over the file in chunks.
#include <openssl/rsa.h>

#include "openssl_sig.h"

namespace payload::sig {

using namespace detail;

Result<std::string> sign_raw(const io::Input& content, const cms::PrivateKey& key, const RawSignOptions& options) {
  EVP_PKEY* pk = cms::detail::pkey(key);
  const int type = EVP_PKEY_get_base_id(pk);
  if (type != EVP_PKEY_RSA && type != EVP_PKEY_RSA_PSS)
    return fail(Errc::usage, "raw signatures need an RSA key, not " + key.key_type());
  if (type == EVP_PKEY_RSA_PSS && options.padding != Padding::pss)
    return fail(Errc::usage, "an RSA-PSS key signs only with PSS");
  ERR_clear_error();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  // Salt as long as the digest (RFC 8017 9.1 note 4; what CMS and X.509 use), not
  // OpenSSL's default of the longest salt that fits.
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, evp_md(options.digest), nullptr, pk) != 1 ||
      !set_padding(pctx, options.padding, options.digest, RSA_PSS_SALTLEN_DIGEST))
    return fail(cms::detail::openssl_error(Errc::internal, "cannot set up the RSA signature"));
  const auto update = [&ctx](const void* data, std::size_t size) { return EVP_DigestSignUpdate(ctx.get(), data, size) == 1; };
  if (auto s = stream(content, options.progress, update); !s) return fail(s.error());
  std::size_t size = 0;
  if (EVP_DigestSignFinal(ctx.get(), nullptr, &size) != 1)
    return fail(cms::detail::openssl_error(Errc::internal, "RSA signing failed"));
  std::string signature(size, '\0');
  if (EVP_DigestSignFinal(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size) != 1)
    return fail(cms::detail::openssl_error(Errc::internal, "RSA signing failed"));
  signature.resize(size);
  return signature;
}

}  // namespace payload::sig
