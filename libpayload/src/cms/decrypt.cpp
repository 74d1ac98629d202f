// payload::cms decryption: EnvelopedData / AuthEnvelopedData with RSA key transport,
// recipient selection among our identities, cipher policy before any decryption.
#include <payload/cms/decrypt.h>

#include <openssl/rsa.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "algorithms_openssl.h"
#include "ber.h"
#include "detach.h"
#include "openssl.h"

namespace payload::cms {

using namespace detail;

namespace {

// RFC 3560 §3: RSAES-OAEP parameters, absent or with the SHA-1 defaults (RFC 4055 §4.1).
std::optional<KeyTransport> key_transport_of(CMS_RecipientInfo* ri) {
  X509_ALGOR* alg = nullptr;
  if (CMS_RecipientInfo_ktri_get0_algs(ri, nullptr, nullptr, &alg) != 1 || alg == nullptr) return std::nullopt;
  const int nid = OBJ_obj2nid(alg->algorithm);
  if (nid == NID_rsaEncryption) return KeyTransport::rsa_pkcs1v15;
  if (nid != NID_rsaesOaep) return std::nullopt;
  if (alg->parameter == nullptr || alg->parameter->type != V_ASN1_SEQUENCE) return KeyTransport::rsa_oaep_sha1;
  std::unique_ptr<RSA_OAEP_PARAMS, Deleter<RSA_OAEP_PARAMS, RSA_OAEP_PARAMS_free>> params(
      static_cast<RSA_OAEP_PARAMS*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_OAEP_PARAMS), alg->parameter)));
  if (!params) return std::nullopt;
  const int hash = params->hashFunc != nullptr ? OBJ_obj2nid(params->hashFunc->algorithm) : NID_sha1;
  switch (hash) {
    case NID_sha1: return KeyTransport::rsa_oaep_sha1;
    case NID_sha256: return KeyTransport::rsa_oaep_sha256;
    case NID_sha512: return KeyTransport::rsa_oaep_sha512;
    default: return std::nullopt;
  }
}

std::string describe_recipient(CMS_RecipientInfo* ri) {
  if (CMS_RecipientInfo_type(ri) != CMS_RECIPINFO_TRANS) return "a non-RSA recipient (type " + std::to_string(CMS_RecipientInfo_type(ri)) + ")";
  ASN1_OCTET_STRING* keyid = nullptr;
  X509_NAME* issuer = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (CMS_RecipientInfo_ktri_get0_signer_id(ri, &keyid, &issuer, &serial) != 1) return "an unreadable recipient";
  if (keyid != nullptr) return "subject key id " + hex(keyid->data, static_cast<std::size_t>(keyid->length));
  return "issuer \"" + name_string(issuer) + "\" serial " + serial_hex(serial);
}

struct Opened {
  CmsPtr cms;
  ContentCipher cipher;
};

// The cipher policy, applied before any private key is touched.
Result<ContentCipher> check_cipher(const std::string& oid_octets, bool auth_enveloped, const DecryptOptions& options) {
  const std::string oid_der = std::string("\x06", 1) + static_cast<char>(oid_octets.size()) + oid_octets;
  const auto* p = reinterpret_cast<const unsigned char*>(oid_der.data());
  std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT, ASN1_OBJECT_free>> obj(
      d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(oid_der.size())));
  const auto cipher = obj ? cipher_from_nid(OBJ_obj2nid(obj.get())) : std::nullopt;
  if (!cipher) return fail(Errc::unsupported, "unsupported content cipher " + (obj ? oid_text(obj.get()) : std::string("?")));
  if (std::find(options.allowed_ciphers.begin(), options.allowed_ciphers.end(), *cipher) == options.allowed_ciphers.end())
    return fail(Errc::unsupported, "content cipher " + std::string(name(*cipher)) + " is not allowed by the policy for this partner");
  if (is_authenticated(*cipher) != auth_enveloped)
    return fail(Errc::bad_data, "content cipher " + std::string(name(*cipher)) + " in the wrong container");
  return *cipher;
}

Result<Opened> open(std::string_view der, const DecryptOptions& options) {
  auto parsed = parse_cms(der);
  if (!parsed) return fail(parsed.error());
  CMS_ContentInfo* cms = parsed->get();
  const int type = OBJ_obj2nid(CMS_get0_type(cms));
  if (type != NID_pkcs7_enveloped && type != NID_id_smime_ct_authEnvelopedData)
    return fail(Errc::bad_data, "not an EnvelopedData or AuthEnvelopedData (content type " +
                                    oid_text(CMS_get0_type(cms)) + ")");
  auto oid = content_cipher_oid(der);
  if (!oid) return fail(oid.error());
  auto cipher = check_cipher(*oid, type == NID_id_smime_ct_authEnvelopedData, options);
  if (!cipher) return fail(cipher.error());
  return Opened{std::move(*parsed), *cipher};
}

// `dcont`: the encrypted content when it was detached from the structure, else nullptr.
Result<DecryptReport> decrypt_to(Opened opened, BIO* dcont, BIO* out, const std::vector<Identity>& identities) {
  CMS_ContentInfo* cms = opened.cms.get();
  const ContentCipher cipher = opened.cipher;

  // Which of our identities is the message for? Try each: during a rollover both the old
  // and the new certificate may be in use.
  STACK_OF(CMS_RecipientInfo)* infos = CMS_get0_RecipientInfos(cms);
  const int count = infos != nullptr ? sk_CMS_RecipientInfo_num(infos) : 0;
  std::string failures;
  bool matched = false;
  for (int i = 0; i < count; ++i) {
    CMS_RecipientInfo* ri = sk_CMS_RecipientInfo_value(infos, i);
    if (CMS_RecipientInfo_type(ri) != CMS_RECIPINFO_TRANS) continue;
    for (const auto& id : identities) {
      if (CMS_RecipientInfo_ktri_cert_cmp(ri, x509(id.certificate)) != 0) continue;
      matched = true;
      const auto transport = key_transport_of(ri);
      if (!transport) return fail(Errc::unsupported, "unsupported key transport algorithm for " + describe_recipient(ri));
      ERR_clear_error();
      // The public entry point, which keeps OpenSSL's key references balanced; it finds
      // this same RecipientInfo by the certificate and unwraps the content key.
      if (CMS_decrypt_set1_pkey_and_peer(cms, pkey(id.key), x509(id.certificate), nullptr) != 1) {
        failures += openssl_error(Errc::bad_data, "\"" + id.certificate.info().subject + "\"").message() + " ";
        continue;
      }
      // The content key is set: CMS_decrypt with neither key nor certificate only decrypts.
      if (CMS_decrypt(cms, nullptr, nullptr, dcont, out, CMS_BINARY) != 1)
        return tl::unexpected(openssl_error(Errc::bad_data, is_authenticated(cipher)
                                                               ? "decryption failed (authentication tag mismatch or corrupt data)"
                                                               : "decryption failed (corrupt data or wrong key)"));
      if (BIO_flush(out) != 1) return tl::unexpected(openssl_error(Errc::io, "writing the plaintext"));
      const CertificateInfo info = id.certificate.info();
      return DecryptReport{cipher, *transport, is_authenticated(cipher), info.subject, info.serial};
    }
  }
  if (!matched) {
    // Only the error names the recipients (printing their names costs more than matching them).
    std::string recipients;
    for (int i = 0; i < count; ++i) {
      if (!recipients.empty()) recipients += "; ";
      recipients += describe_recipient(sk_CMS_RecipientInfo_value(infos, i));
    }
    return fail(Errc::no_key, "the message is encrypted for " + (recipients.empty() ? std::string("no recipient") : recipients) +
                                  ", none of our " + std::to_string(identities.size()) + " certificate(s)");
  }
  return fail(Errc::bad_data, "the content key does not unwrap with the matching private key: " + failures);
}

}  // namespace

Result<std::string> decrypt(std::string_view enveloped, const std::vector<Identity>& identities,
                            const DecryptOptions& options, DecryptReport* report) {
  ERR_clear_error();
  BioPtr out = memory_sink();
  if (!out) return tl::unexpected(openssl_error(Errc::internal, "creating a BIO"));
  auto opened = open(enveloped, options);
  if (!opened) return fail(opened.error());
  auto result = decrypt_to(std::move(*opened), nullptr, out.get(), identities);
  if (!result) return fail(result.error());
  if (report != nullptr) *report = *result;
  return take_memory(out.get());
}

Result<DecryptReport> decrypt(const io::Input& enveloped, const io::Output& content,
                              const std::vector<Identity>& identities, const DecryptOptions& options) {
  ERR_clear_error();
  BioPtr in = fd_source(enveloped);
  BioPtr out = fd_sink(content);
  if (!in || !out) return tl::unexpected(openssl_error(Errc::internal, "creating BIOs"));
  // Only the small structure goes to OpenSSL's decoder; the ciphertext waits in a spool
  // file and is decrypted from there, so memory does not grow with the message.
  auto spool = io::SpoolFile::create();
  if (!spool) return fail(spool.error());
  const int spool_fd = spool->output().fd;
  auto detached = detach_content(in.get(), spool_fd);
  if (!detached) return fail(detached.error());
  if (detached->type == CmsType::signed_data) return fail(Errc::bad_data, "not an EnvelopedData or AuthEnvelopedData (it is a SignedData)");
  if (!detached->had_content) return fail(Errc::bad_data, "the EnvelopedData carries no encrypted content");
  auto cipher = check_cipher(detached->cipher_oid, detached->type == CmsType::auth_enveloped_data, options);
  if (!cipher) return fail(cipher.error());
  auto cms = parse_cms(detached->cms);
  if (!cms) return fail(cms.error());
  if (::lseek(spool_fd, 0, SEEK_SET) != 0) return fail(io::errno_error("spool file", errno));
  BioPtr dcont = fd_source(io::Input{spool_fd, {}, 0});
  if (!dcont) return tl::unexpected(openssl_error(Errc::internal, "creating a BIO"));
  return decrypt_to(Opened{std::move(*cms), *cipher}, dcont.get(), out.get(), identities);
}

}  // namespace payload::cms
