// payload::cms signing: RFC 5652 SignedData with signed attributes, RSA PKCS#1 v1.5,
// RSASSA-PSS (RFC 4056) or ECDSA (RFC 5753), detached or enveloping, streaming.
#include <payload/cms/sign.h>

#include <openssl/rsa.h>

#include "algorithms_openssl.h"
#include "openssl.h"

namespace payload::cms {

using namespace detail;

namespace {

// Checks the request against the policy and the key, and prepares a SignedData with one
// signer whose attributes OpenSSL completes at finalisation: contentType and
// messageDigest (RFC 5652 §5.3 requires both when attributes are present) and
// signingTime (added by CMS_SignerInfo_sign).
Result<CmsPtr> prepare(const Identity& signer, const SignOptions& options, unsigned int flags) {
  ERR_clear_error();
  if (is_legacy(options.digest) && !options.allow_legacy_digest)
    return fail(Errc::usage, std::string("signing with ") + std::string(micalg(options.digest)) +
                                 " is not allowed by the policy (AS2 1.3 forbids generating MD5/SHA-1)");
  if (!signer.key.matches(signer.certificate))
    return fail(Errc::usage, "the private key does not belong to the signing certificate");
  SignatureScheme scheme = options.scheme;
  switch (EVP_PKEY_get_base_id(pkey(signer.key))) {
    case EVP_PKEY_RSA:
      if (scheme != SignatureScheme::rsa_pkcs1v15 && scheme != SignatureScheme::rsa_pss)
        return fail(Errc::usage, std::string(name(scheme)) + " does not fit an RSA key");
      break;
    case EVP_PKEY_RSA_PSS:
      scheme = SignatureScheme::rsa_pss;  // such a key can do nothing else
      break;
    case EVP_PKEY_EC:
      if (scheme == SignatureScheme::rsa_pss) return fail(Errc::usage, "rsa-pss does not fit an EC key");
      scheme = SignatureScheme::ecdsa;
      break;
    default:
      return fail(Errc::usage, "signing supports RSA and EC keys only, not " + signer.key.key_type());
  }

  // CMS_BINARY: the content is signed exactly as given (MIME canonicalisation happens
  // before, RFC 8551 §3.1.1). CMS_NOSMIMECAP: no capability list advertising RC2/DES.
  flags |= CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP;
  if (!options.include_certificate) flags |= CMS_NOCERTS;
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
  if (!cms) return tl::unexpected(openssl_error(Errc::internal, "creating SignedData"));
  const unsigned int signer_flags = flags | (scheme == SignatureScheme::rsa_pss ? CMS_KEY_PARAM : 0U);
  CMS_SignerInfo* si =
      CMS_add1_signer(cms.get(), x509(signer.certificate), pkey(signer.key), evp_md(options.digest), signer_flags);
  if (si == nullptr) return tl::unexpected(openssl_error(Errc::internal, "adding the signer"));
  if (scheme == SignatureScheme::rsa_pss) {
    // RFC 4055 §3.1 parameters that interoperate: MGF1 with the same digest, salt as
    // long as the digest (RFC 4056 §3 recommends it; peers disagree on anything else).
    EVP_PKEY_CTX* pctx = CMS_SignerInfo_get0_pkey_ctx(si);
    if (pctx == nullptr || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) <= 0 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, evp_md(options.digest)) <= 0)
      return tl::unexpected(openssl_error(Errc::internal, "setting RSASSA-PSS parameters"));
  }
  return cms;
}

Status finish_detached(CMS_ContentInfo* cms, BIO* content, BIO* out) {
  if (CMS_final(cms, content, nullptr, CMS_BINARY | CMS_DETACHED) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "signing the content"));
  if (i2d_CMS_bio(out, cms) != 1 || BIO_flush(out) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "writing the signature"));
  return {};
}

}  // namespace

Result<std::string> sign_detached(std::string_view content, const Identity& signer, const SignOptions& options) {
  auto cms = prepare(signer, options, CMS_DETACHED);
  if (!cms) return fail(cms.error());
  BioPtr in = memory_source(content);
  BioPtr out = memory_sink();
  if (!in || !out) return fail(Errc::usage, "content too large for an in-memory signature; use the stream form");
  if (auto done = finish_detached(cms->get(), in.get(), out.get()); !done) return fail(done.error());
  return take_memory(out.get());
}

Status sign_detached(const io::Input& content, const io::Output& signature, const Identity& signer,
                     const SignOptions& options) {
  auto cms = prepare(signer, options, CMS_DETACHED);
  if (!cms) return fail(cms.error());
  BioPtr in = fd_source(content);
  BioPtr out = fd_sink(signature);
  if (!in || !out) return tl::unexpected(openssl_error(Errc::internal, "creating BIOs"));
  return finish_detached(cms->get(), in.get(), out.get());
}

Result<std::string> sign_enveloping(std::string_view content, const Identity& signer, const SignOptions& options) {
  auto cms = prepare(signer, options, 0);
  if (!cms) return fail(cms.error());
  BioPtr in = memory_source(content);
  BioPtr out = memory_sink();
  if (!in || !out) return fail(Errc::usage, "content too large for an in-memory signature; use the stream form");
  if (CMS_final(cms->get(), in.get(), nullptr, CMS_BINARY) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "signing the content"));
  if (i2d_CMS_bio(out.get(), cms->get()) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "encoding the SignedData"));
  return take_memory(out.get());
}

Status sign_enveloping(const io::Input& content, const io::Output& signed_data, const Identity& signer,
                       const SignOptions& options) {
  auto cms = prepare(signer, options, CMS_STREAM);
  if (!cms) return fail(cms.error());
  BioPtr in = fd_source(content);
  BioPtr out = fd_sink(signed_data);
  if (!in || !out) return tl::unexpected(openssl_error(Errc::internal, "creating BIOs"));
  // Streaming encoder: writes the header, pipes the content through the digest into an
  // indefinite-length eContent, then appends the SignerInfo.
  if (i2d_CMS_bio_stream(out.get(), cms->get(), in.get(), CMS_STREAM | CMS_BINARY) != 1 || BIO_flush(out.get()) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "writing the SignedData"));
  return {};
}

}  // namespace payload::cms
