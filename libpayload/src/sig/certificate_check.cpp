// payload::sig certificate checks: whether a partner certificate may vouch for a signature now.
#include <openssl/x509v3.h>

#include <ctime>

#include <payload/sig/raw.h>

#include "../cms/openssl.h"

namespace payload::sig {

CertificateProblem check_certificate(const cms::Certificate& certificate, std::chrono::system_clock::time_point now) {
  X509* cert = cms::detail::x509(certificate);
  time_t t = std::chrono::system_clock::to_time_t(now);
  if (X509_cmp_time(X509_get0_notBefore(cert), &t) > 0) return CertificateProblem::not_yet_valid;
  if (X509_cmp_time(X509_get0_notAfter(cert), &t) < 0) return CertificateProblem::expired;
  // X509_get_key_usage answers UINT32_MAX when there is no keyUsage extension: any use.
  const std::uint32_t usage = X509_get_key_usage(cert);
  if ((usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) return CertificateProblem::key_usage;
  return CertificateProblem::none;
}

namespace {

std::string iso(std::chrono::system_clock::time_point at) {
  const time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

std::string describe(CertificateProblem problem, const cms::Certificate& certificate) {
  const auto info = certificate.info();
  const std::string who = "certificate \"" + info.subject + "\"";
  switch (problem) {
    case CertificateProblem::none: return who + " is valid";
    case CertificateProblem::expired: return who + " expired on " + iso(info.not_after);
    case CertificateProblem::not_yet_valid: return who + " is not valid before " + iso(info.not_before);
    case CertificateProblem::key_usage:
      return who + " may not sign: its keyUsage has neither digitalSignature nor nonRepudiation";
  }
  return who;
}

}  // namespace payload::sig
