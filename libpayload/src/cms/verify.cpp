// payload::cms verification of SignedData against pinned partner certificates.
#include <payload/cms/verify.h>

#include <openssl/objects.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "algorithms_openssl.h"
#include "detach.h"
#include "openssl.h"
#include "without_certificates.h"

namespace payload::cms {

using namespace detail;

namespace {

std::optional<SignatureScheme> scheme_from_nid(int nid) {
  switch (nid) {
    // RFC 5652 §10.1.2 / RFC 3370 §3.2: receivers accept either rsaEncryption or the
    // combined sha*WithRSAEncryption OIDs for PKCS#1 v1.5.
    case NID_rsaEncryption:
    case NID_md5WithRSAEncryption:
    case NID_sha1WithRSAEncryption:
    case NID_sha224WithRSAEncryption:
    case NID_sha256WithRSAEncryption:
    case NID_sha384WithRSAEncryption:
    case NID_sha512WithRSAEncryption:
      return SignatureScheme::rsa_pkcs1v15;
    case NID_rsassaPss:
      return SignatureScheme::rsa_pss;
    case NID_X9_62_id_ecPublicKey:
    case NID_ecdsa_with_SHA1:
    case NID_ecdsa_with_SHA224:
    case NID_ecdsa_with_SHA256:
    case NID_ecdsa_with_SHA384:
    case NID_ecdsa_with_SHA512:
      return SignatureScheme::ecdsa;
    case NID_ED25519:
      return SignatureScheme::ed25519;
    default:
      return std::nullopt;
  }
}

int algor_nid(const X509_ALGOR* alg) {
  const ASN1_OBJECT* obj = nullptr;
  X509_ALGOR_get0(&obj, nullptr, nullptr, alg);
  return obj != nullptr ? OBJ_obj2nid(obj) : NID_undef;
}

std::string describe_signer_id(CMS_SignerInfo* si) {
  ASN1_OCTET_STRING* keyid = nullptr;
  X509_NAME* issuer = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) != 1) return "an unreadable signer id";
  if (keyid != nullptr) return "subject key id " + hex(keyid->data, static_cast<std::size_t>(keyid->length));
  return "issuer \"" + name_string(issuer) + "\" serial " + serial_hex(serial);
}

std::optional<std::chrono::system_clock::time_point> signing_time(CMS_SignerInfo* si) {
  const int index = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
  if (index < 0) return std::nullopt;
  const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, index), 0);
  if (value == nullptr || (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME))
    return std::nullopt;
  // RFC 5652 §11.3: UTCTime up to 2049, GeneralizedTime after; both are ASN1_TIME.
  return to_time_point(value->value.utctime);
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// The checks that need no cryptography, per SignerInfo, in the documented order.
Result<SignerReport> check_signer(CMS_SignerInfo* si, const std::vector<Certificate>& partners,
                                  const VerifyOptions& options) {
  const Certificate* partner = nullptr;
  for (const auto& candidate : partners) {
    if (CMS_SignerInfo_cert_cmp(si, x509(candidate)) == 0) {
      partner = &candidate;
      break;
    }
  }
  if (partner == nullptr)
    return fail(Errc::no_key, "signed by " + describe_signer_id(si) + ", which is none of the " +
                                  std::to_string(partners.size()) + " partner certificate(s)");
  const CertificateInfo info = partner->info();

  X509_ALGOR* digest_alg = nullptr;
  X509_ALGOR* signature_alg = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &digest_alg, &signature_alg);
  const int digest_nid = algor_nid(digest_alg);
  const auto digest = digest_from_nid(digest_nid);
  if (!digest) return fail(Errc::unsupported, std::string("unsupported digest algorithm ") + OBJ_nid2sn(digest_nid));
  if (std::find(options.allowed_digests.begin(), options.allowed_digests.end(), *digest) ==
      options.allowed_digests.end())
    return fail(Errc::unsupported,
                "digest " + std::string(micalg(*digest)) + " is not allowed by the policy for this partner");
  const int signature_nid = algor_nid(signature_alg);
  const auto scheme = scheme_from_nid(signature_nid);
  if (!scheme)
    return fail(Errc::unsupported, std::string("unsupported signature algorithm ") + OBJ_nid2sn(signature_nid));

  SignerReport report;
  report.subject = info.subject;
  report.serial = info.serial;
  report.digest = *digest;
  report.scheme = *scheme;
  report.signing_time = signing_time(si);

  // i05 §10: an expired certificate MUST give an immediate, noticeable error. The
  // validity text is only built for that error.
  const auto validity = [&info] { return " (valid " + iso_time(info.not_before) + " to " + iso_time(info.not_after) + ")"; };
  if (options.check_signing_time && report.signing_time && !partner->valid_at(*report.signing_time))
    return fail(Errc::key_unusable, "certificate \"" + info.subject + "\" was not valid at the signing time " +
                                        iso_time(*report.signing_time) + validity());
  const auto now = options.now.value_or(std::chrono::system_clock::now());
  if (options.check_now && !partner->valid_at(now))
    return fail(Errc::key_unusable,
                "certificate \"" + info.subject + "\" is not valid now (" + iso_time(now) + ")" + validity());

  if (const auto* md = static_cast<const ASN1_OCTET_STRING*>(
          CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING)))
    report.message_digest.assign(reinterpret_cast<const char*>(md->data), static_cast<std::size_t>(md->length));
  return report;
}

// `content`: the detached content (nullptr for enveloping); `out`: where enveloped
// content goes (nullptr for detached).
Result<VerifyReport> verify(CMS_ContentInfo* cms, BIO* content, BIO* out, const std::vector<Certificate>& partners,
                            const VerifyOptions& options) {
  if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
    return fail(Errc::bad_data, "not a SignedData (content type " + oid_text(CMS_get0_type(cms)) + ")");
  const bool detached = CMS_is_detached(cms) == 1;
  if (content != nullptr && !detached) return fail(Errc::bad_data, "the signature embeds content; expected a detached signature");
  if (content == nullptr && detached) return fail(Errc::bad_data, "the SignedData carries no content (it is a detached signature)");
  if (partners.empty()) return fail(Errc::no_key, "no partner certificate to verify against");

  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
  const int count = infos != nullptr ? sk_CMS_SignerInfo_num(infos) : 0;
  if (count <= 0) return fail(Errc::bad_data, "the SignedData has no signers");
  VerifyReport report;
  for (int i = 0; i < count; ++i) {
    auto signer = check_signer(sk_CMS_SignerInfo_value(infos, i), partners, options);
    if (!signer) return fail(signer.error());
    report.signers.push_back(std::move(*signer));
  }

  X509StackPtr certs = x509_stack(partners);
  if (!certs) return tl::unexpected(openssl_error(Errc::internal, "building the certificate list"));
  // No chain: partner certificates are pinned (i05 §9). CMS_NOINTERN makes OpenSSL use
  // the pinned certificate's key, never a certificate the message carries itself.
  const unsigned int flags = CMS_NO_SIGNER_CERT_VERIFY | CMS_NOINTERN | CMS_BINARY;
  if (CMS_verify(cms, certs.get(), nullptr, content, out, flags) != 1)
    return tl::unexpected(openssl_error(Errc::bad_signature, "signature verification failed"));
  if (out != nullptr && BIO_flush(out) != 1)
    return tl::unexpected(openssl_error(Errc::io, "writing the signed content"));
  return report;
}

// Parses a SignedData for verification without the certificates it carries, which
// pinned verification never uses and OpenSSL 3.0 is slow to decode.
Result<CmsPtr> parse_signed_data(std::string_view der) {
  if (const auto trimmed = without_certificates(der)) return parse_cms(*trimmed);
  return parse_cms(der);
}

}  // namespace

Result<VerifyReport> verify_detached(std::string_view content, std::string_view signature,
                                     const std::vector<Certificate>& partners, const VerifyOptions& options) {
  ERR_clear_error();
  auto cms = parse_signed_data(signature);
  if (!cms) return fail(cms.error());
  BioPtr source = memory_source(content);
  if (!source) return fail(Errc::usage, "content too large for in-memory verification; use the stream form");
  // CMS_verify copies the content of a memory BIO into a BIO of its own and, in OpenSSL
  // 3.0, leaks that copy when CMS_dataInit fails: a SignedData whose digestAlgorithms name
  // one OpenSSL cannot set up (found by fuzz/cms_verify). Behind a null filter the content
  // is read in place and nothing is copied, so nothing can leak.
  BioPtr in(BIO_new(BIO_f_null()));
  if (!in) return tl::unexpected(openssl_error(Errc::internal, "creating a BIO"));
  BIO_push(in.get(), source.release());
  return verify(cms->get(), in.get(), nullptr, partners, options);
}

Result<VerifyReport> verify_detached(const io::Input& content, std::string_view signature,
                                     const std::vector<Certificate>& partners, const VerifyOptions& options) {
  ERR_clear_error();
  auto cms = parse_signed_data(signature);
  if (!cms) return fail(cms.error());
  BioPtr in = fd_source(content);
  if (!in) return tl::unexpected(openssl_error(Errc::internal, "creating a BIO"));
  return verify(cms->get(), in.get(), nullptr, partners, options);
}

Result<VerifyReport> verify_enveloping(std::string_view signed_data, std::string& content,
                                       const std::vector<Certificate>& partners, const VerifyOptions& options) {
  ERR_clear_error();
  auto cms = parse_signed_data(signed_data);
  if (!cms) return fail(cms.error());
  BioPtr out = memory_sink();
  if (!out) return tl::unexpected(openssl_error(Errc::internal, "creating a BIO"));
  auto report = verify(cms->get(), nullptr, out.get(), partners, options);
  if (report) content = take_memory(out.get());
  return report;
}

Result<VerifyReport> verify_enveloping(const io::Input& signed_data, const io::Output& content,
                                       const std::vector<Certificate>& partners, const VerifyOptions& options) {
  ERR_clear_error();
  BioPtr in = fd_source(signed_data);
  if (!in) return tl::unexpected(openssl_error(Errc::internal, "creating a BIO"));
  // The content goes to a spool file and OpenSSL verifies a detached signature over it:
  // memory does not grow with the content, and nothing reaches `content` unverified.
  auto spool = io::SpoolFile::create();
  if (!spool) return fail(spool.error());
  const int spool_fd = spool->output().fd;
  auto detached = detach_content(in.get(), spool_fd);
  if (!detached) return fail(detached.error());
  if (detached->type != CmsType::signed_data) return fail(Errc::bad_data, "not a SignedData");
  if (!detached->had_content) return fail(Errc::bad_data, "the SignedData carries no content (it is a detached signature)");
  auto cms = parse_signed_data(detached->cms);
  if (!cms) return fail(cms.error());
  if (::lseek(spool_fd, 0, SEEK_SET) != 0) return fail(io::errno_error("spool file", errno));
  BioPtr spooled = fd_source(io::Input{spool_fd, {}, 0});
  if (!spooled) return tl::unexpected(openssl_error(Errc::internal, "creating a BIO"));
  auto report = verify(cms->get(), spooled.get(), nullptr, partners, options);
  if (!report) return report;
  if (auto copied = spool->copy_to(content.fd); !copied) return fail(copied.error());
  return report;
}

}  // namespace payload::cms
