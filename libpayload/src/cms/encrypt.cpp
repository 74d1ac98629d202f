// payload::cms encryption: EnvelopedData / AuthEnvelopedData with RSA key transport
// (PKCS#1 v1.5 or RSAES-OAEP), streaming.
#include <payload/cms/encrypt.h>

#include <openssl/rsa.h>

#include "algorithms_openssl.h"
#include "openssl.h"

namespace payload::cms {

using namespace detail;

namespace {

const EVP_MD* oaep_md(KeyTransport t) {
  switch (t) {
    case KeyTransport::rsa_oaep_sha1: return EVP_sha1();
    case KeyTransport::rsa_oaep_sha256: return EVP_sha256();
    case KeyTransport::rsa_oaep_sha512: return EVP_sha512();
    case KeyTransport::rsa_pkcs1v15: return nullptr;
  }
  return nullptr;
}

Result<CmsPtr> prepare(const std::vector<Certificate>& recipients, const EncryptOptions& options, unsigned int flags) {
  ERR_clear_error();
  if (recipients.empty()) return fail(Errc::usage, "no recipient certificate");
  if (options.cipher == ContentCipher::des_ede3_cbc && !options.allow_legacy_cipher)
    return fail(Errc::usage, "3DES is not allowed by the policy (RFC 8551: decrypt only)");
  for (const auto& r : recipients) {
    const EVP_PKEY* key = X509_get0_pubkey(x509(r));
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
      return fail(Errc::usage, "recipient \"" + r.info().subject + "\" has no RSA key; only RSA key transport is supported");
  }
  // AEAD ciphers make CMS_encrypt build an AuthEnvelopedData (RFC 5083) instead of an
  // EnvelopedData; GCM parameters follow RFC 5084 (12-byte nonce, 16-byte tag).
  flags |= CMS_PARTIAL | CMS_BINARY;
  CmsPtr cms(CMS_encrypt(nullptr, nullptr, evp_cipher(options.cipher), flags));
  if (!cms) return tl::unexpected(openssl_error(Errc::internal, "creating EnvelopedData"));
  const EVP_MD* md = oaep_md(options.key_transport);
  for (const auto& r : recipients) {
    CMS_RecipientInfo* ri = CMS_add1_recipient_cert(cms.get(), x509(r), flags | (md != nullptr ? CMS_KEY_PARAM : 0U));
    if (ri == nullptr) return tl::unexpected(openssl_error(Errc::internal, "adding recipient " + r.info().subject));
    if (md != nullptr) {
      // RFC 4055 §4.1: hash and MGF1 hash alike; OpenSSL writes the parameters
      // explicitly unless they are the SHA-1 defaults (as2-specs T14).
      EVP_PKEY_CTX* pctx = CMS_RecipientInfo_get0_pkey_ctx(ri);
      if (pctx == nullptr || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
          EVP_PKEY_CTX_set_rsa_oaep_md(pctx, md) <= 0 || EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) <= 0)
        return tl::unexpected(openssl_error(Errc::internal, "setting RSAES-OAEP parameters"));
    }
  }
  return cms;
}

}  // namespace

Result<std::string> encrypt(std::string_view content, const std::vector<Certificate>& recipients,
                            const EncryptOptions& options) {
  auto cms = prepare(recipients, options, 0);
  if (!cms) return fail(cms.error());
  BioPtr in = memory_source(content);
  BioPtr out = memory_sink();
  if (!in || !out) return fail(Errc::usage, "content too large for in-memory encryption; use the stream form");
  if (CMS_final(cms->get(), in.get(), nullptr, CMS_BINARY) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "encrypting the content"));
  if (i2d_CMS_bio(out.get(), cms->get()) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "encoding the EnvelopedData"));
  return take_memory(out.get());
}

Status encrypt(const io::Input& content, const io::Output& enveloped, const std::vector<Certificate>& recipients,
               const EncryptOptions& options) {
  auto cms = prepare(recipients, options, CMS_STREAM);
  if (!cms) return fail(cms.error());
  BioPtr in = fd_source(content);
  BioPtr out = fd_sink(enveloped);
  if (!in || !out) return tl::unexpected(openssl_error(Errc::internal, "creating BIOs"));
  if (i2d_CMS_bio_stream(out.get(), cms->get(), in.get(), CMS_STREAM | CMS_BINARY) != 1 || BIO_flush(out.get()) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "writing the EnvelopedData"));
  return {};
}

}  // namespace payload::cms
