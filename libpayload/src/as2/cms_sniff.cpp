// Private to src/as2: ContentInfo contentType sniffing.
#include "cms_sniff.h"

namespace payload::as2::detail {

namespace {

// 1.2.840.113549 (RSADSI) ...
constexpr std::string_view kSignedData("\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02", 9);           // pkcs7 2
constexpr std::string_view kEnvelopedData("\x2a\x86\x48\x86\xf7\x0d\x01\x07\x03", 9);        // pkcs7 3
constexpr std::string_view kAuthEnvelopedData("\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x17", 11);  // RFC 5083
constexpr std::string_view kCompressedData("\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x09", 11);     // RFC 3274

}  // namespace

CmsKind sniff_cms(std::string_view der) noexcept {
  // ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, ... }, DER or BER.
  std::size_t at = 0;
  if (der.size() < 4 || static_cast<unsigned char>(der[at++]) != 0x30) return CmsKind::unknown;
  const auto length = static_cast<unsigned char>(der[at++]);
  if (length > 0x84) return CmsKind::unknown;
  if (length > 0x80) at += length & 0x7f;  // long form; 0x80 is indefinite, nothing to skip
  if (at + 2 > der.size() || der[at] != 0x06) return CmsKind::unknown;
  const auto oid_length = static_cast<unsigned char>(der[at + 1]);
  at += 2;
  if (oid_length > 0x7f || at + oid_length > der.size()) return CmsKind::unknown;
  const std::string_view oid = der.substr(at, oid_length);
  if (oid == kEnvelopedData) return CmsKind::enveloped_data;
  if (oid == kAuthEnvelopedData) return CmsKind::auth_enveloped_data;
  if (oid == kCompressedData) return CmsKind::compressed_data;
  if (oid == kSignedData) return CmsKind::signed_data;
  return CmsKind::unknown;
}

}  // namespace payload::as2::detail
