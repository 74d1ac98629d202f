// Private to src/sig: the forms a CMS SignedData travels in (DER/BER, PEM, S/MIME) and
// the way from each to what payload::cms verifies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace payload::sig::detail {

// 1.2.840.113549.1.7.2 as the contentType of a ContentInfo at the start of DER/BER.
[[nodiscard]] bool starts_signed_data(std::string_view der) noexcept;

// The media type ("multipart/signed", "application/pkcs7-mime", ...) when `text` starts
// with a MIME header block that has a Content-Type; none otherwise.
[[nodiscard]] std::optional<std::string> mime_media_type(std::string_view text);

// "-----BEGIN PKCS7-----" or "-----BEGIN CMS-----" (after blank space).
[[nodiscard]] bool starts_pem_cms(std::string_view text) noexcept;

// The DER of a SignedData in any of its forms: DER/BER as it is, PEM decoded, an
// S/MIME application/pkcs7-signature or pkcs7-mime entity with its body decoded.
Result<std::string> signed_data_der(std::string bytes);

// An S/MIME multipart/signed message taken apart: the first part exactly as it
// appears (what the signature covers, RFC 1847 2.1) and the signature's DER.
struct MultipartSigned {
  std::string content;
  std::string signature;
};
Result<MultipartSigned> split_multipart_signed(std::string bytes);

}  // namespace payload::sig::detail
