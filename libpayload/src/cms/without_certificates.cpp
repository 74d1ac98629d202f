// Private to src/cms: SignedData minus certificates and CRLs (see the header for why).
#include "without_certificates.h"

#include "ber.h"
#include "openssl.h"

namespace payload::cms::detail {

namespace {

const std::string kSignedDataOid("\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02", 9);  // 1.2.840.113549.1.7.2

// SignedData's OPTIONAL [0] IMPLICIT CertificateSet and [1] IMPLICIT RevocationInfoChoices
// (RFC 5652 §5.1), both constructed; no other field of SignedData has these identifiers.
constexpr unsigned char kCertificatesTag = 0xa0;
constexpr unsigned char kCrlsTag = 0xa1;

}  // namespace

std::optional<std::string> without_certificates(std::string_view cms) {
  BioPtr bio = memory_source(cms);
  if (!bio) return std::nullopt;
  BerReader r(bio.get());
  auto content_info = r.expect(kUniversal, kSequence, "ContentInfo");
  if (!content_info) return std::nullopt;
  auto type = r.expect(kUniversal, kOid, "contentType");
  if (!type) return std::nullopt;
  auto oid = r.small_content(*type, 64, "contentType");
  if (!oid || *oid != kSignedDataOid) return std::nullopt;
  auto explicit0 = r.expect(kContext, 0, "content [0]");
  if (!explicit0) return std::nullopt;
  auto body = r.expect(kUniversal, kSequence, "SignedData");
  if (!body) return std::nullopt;

  // The outer lengths shrink, so the three outer levels become indefinite (BER).
  std::string out("\x30\x80\x06", 3);
  out += static_cast<char>(oid->size());
  out += *oid;
  out.append("\xa0\x80\x30\x80", 4);
  bool dropped = false;
  for (;;) {
    auto end = r.at_end(*body);
    if (!end) return std::nullopt;
    if (*end) break;
    std::string element;
    if (!r.copy_element(element) || element.empty()) return std::nullopt;
    const auto identifier = static_cast<unsigned char>(element.front());
    if (identifier == kCertificatesTag || identifier == kCrlsTag) {
      dropped = true;
      continue;
    }
    out += element;
  }
  for (const auto* h : {&*body, &*explicit0, &*content_info})
    if (!r.close(*h, "SignedData")) return std::nullopt;
  if (!dropped) return std::nullopt;
  out.append(6, '\0');  // end-of-contents of SignedData, [0] and ContentInfo
  return out;
}

}  // namespace payload::cms::detail
