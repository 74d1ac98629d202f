// CMS signatures for verify_signature(), through payload::cms, plus the keyUsage check
// that cms leaves to its callers.
#include <fcntl.h>

#include <algorithm>

#include <payload/cms/verify.h>

#include "checks.h"
#include "cms_forms.h"

namespace payload::sig::detail {

namespace {

Result<std::vector<cms::Certificate>> partner_certificates(const TrustAnchors& anchors) {
  std::vector<cms::Certificate> out;
  for (const auto& file : anchors.certificates) {
    auto certs = cms::Certificate::load_all(file);
    if (!certs) return fail(certs.error());
    out.insert(out.end(), certs->begin(), certs->end());
  }
  if (out.empty()) return fail(Errc::no_key, "a CMS signature, but no partner certificate was given");
  return out;
}

CertificateProblem problem_at(const cms::Certificate& c, std::chrono::system_clock::time_point now) {
  return check_certificate(c, now);
}

// cms reports "outside its validity" as one code; when exactly one partner certificate
// is expired or not yet valid now, that is the one meant.
CheckStatus validity_status(const std::vector<cms::Certificate>& partners, std::chrono::system_clock::time_point now) {
  std::vector<CertificateProblem> problems;
  for (const auto& c : partners)
    if (const auto p = problem_at(c, now); p == CertificateProblem::expired || p == CertificateProblem::not_yet_valid)
      problems.push_back(p);
  if (problems.size() != 1) return CheckStatus::key_unusable;
  return problems.front() == CertificateProblem::expired ? CheckStatus::certificate_expired
                                                         : CheckStatus::certificate_not_yet_valid;
}

CheckStatus status_for(Errc code, const std::vector<cms::Certificate>& partners, std::chrono::system_clock::time_point now) {
  switch (code) {
    case Errc::no_key: return CheckStatus::unknown_signer;
    case Errc::unsupported: return CheckStatus::digest_refused;
    case Errc::key_unusable: return validity_status(partners, now);
    default: return CheckStatus::bad;
  }
}

std::string digest_name(cms::DigestAlg digest) {
  std::string name(cms::micalg(digest));
  name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
  return name;
}

// A good CMS verdict, unless the signer certificate's keyUsage forbids signing.
SignatureCheck judge_good(SignatureKind kind, const cms::VerifyReport& report, const std::vector<cms::Certificate>& partners,
                          std::chrono::system_clock::time_point now) {
  const auto& signer = report.signers.front();
  for (const auto& c : partners) {
    const auto info = c.info();
    if (info.subject != signer.subject || info.serial != signer.serial) continue;
    if (problem_at(c, now) == CertificateProblem::key_usage)
      return make_check(kind, CheckStatus::certificate_key_usage, signer.subject, digest_name(signer.digest),
                        describe(CertificateProblem::key_usage, c));
  }
  return make_check(kind, CheckStatus::good, signer.subject, digest_name(signer.digest), "");
}

Result<cms::VerifyReport> verify_attached(const std::filesystem::path& file, const std::vector<cms::Certificate>& partners,
                                          const cms::VerifyOptions& options) {
  auto head = io::InputFile::open(file);
  if (!head) return fail(head.error());
  char first[32] = {};
  const ssize_t n = ::pread(head->input().fd, first, sizeof first, 0);
  if (n < 0) return fail(io::errno_error(file.string(), errno));
  if (starts_signed_data(std::string_view(first, static_cast<std::size_t>(n)))) {
    // DER/BER streams: the content is spooled by cms and dropped here.
    io::UniqueFd sink(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    if (!sink.valid()) return fail(io::errno_error("/dev/null", errno));
    return cms::verify_enveloping(head->input(), io::Output{sink.get(), {}}, partners, options);
  }
  // PEM and S/MIME are text: decoded in memory.
  auto text = io::read_file(file);
  if (!text) return fail(text.error());
  auto der = signed_data_der(std::move(*text));
  if (!der) return fail(der.error());
  std::string content;
  return cms::verify_enveloping(*der, content, partners, options);
}

}  // namespace

Result<SignatureCheck> verify_cms(SignatureKind kind, const std::filesystem::path& file,
                                  const std::optional<std::string>& signature, const TrustAnchors& anchors,
                                  const VerifyOptions& options) {
  auto partners = partner_certificates(anchors);
  if (!partners) return fail(partners.error());
  const auto now = options.now.value_or(std::chrono::system_clock::now());
  cms::VerifyOptions cms_options;
  cms_options.now = now;

  Result<cms::VerifyReport> report = fail(Errc::internal, "not run");
  if (kind == SignatureKind::smime_multipart) {
    auto text = io::read_file(file);
    if (!text) return fail(text.error());
    auto parts = split_multipart_signed(std::move(*text));
    if (!parts) return fail(parts.error().with_context(file.string()));
    report = cms::verify_detached(parts->content, parts->signature, *partners, cms_options);
  } else if (signature) {
    auto der = signed_data_der(*signature);
    if (!der) return fail(der.error());
    auto in = io::InputFile::open(file);
    if (!in) return fail(in.error());
    report = cms::verify_detached(in->input(), *der, *partners, cms_options);
  } else {
    report = verify_attached(file, *partners, cms_options);
  }
  if (!report) {
    const Errc code = report.error().code();
    if (code == Errc::io || code == Errc::bad_data || code == Errc::usage || code == Errc::internal)
      return fail(report.error().with_context(file.string()));
    return make_check(kind, status_for(code, *partners, now), "", "", report.error().message());
  }
  return judge_good(kind, *report, *partners, now);
}

}  // namespace payload::sig::detail
