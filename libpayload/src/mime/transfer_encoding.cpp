// payload::mime Content-Transfer-Encoding names and decoding.
#include <payload/mime/transfer_encoding.h>

#include <array>
#include <utility>

#include <payload/mime/base64.h>
#include <payload/mime/quoted_printable.h>

#include "ascii.h"

namespace payload::mime {
namespace {

constexpr std::array<std::pair<TransferEncoding, std::string_view>, 5> kNames{{
    {TransferEncoding::seven_bit, "7bit"},
    {TransferEncoding::eight_bit, "8bit"},
    {TransferEncoding::binary, "binary"},
    {TransferEncoding::base64, "base64"},
    {TransferEncoding::quoted_printable, "quoted-printable"},
}};

}  // namespace

std::string_view transfer_encoding_name(TransferEncoding encoding) noexcept {
  for (const auto& [value, name] : kNames) {
    if (value == encoding) return name;
  }
  return "binary";
}

Result<TransferEncoding> parse_transfer_encoding(std::string_view value) {
  const std::string_view trimmed = detail::trim_wsp(value);
  for (const auto& [encoding, name] : kNames) {
    if (detail::iequals(trimmed, name)) return encoding;
  }
  return fail(Errc::unsupported, "Content-Transfer-Encoding '" + std::string(trimmed) + "' is not supported");
}

Result<std::string> decode_transfer_encoding(std::string_view body, TransferEncoding encoding) {
  switch (encoding) {
    case TransferEncoding::base64: return base64_decode(body);
    case TransferEncoding::quoted_printable: return quoted_printable_decode(body);
    case TransferEncoding::seven_bit:
    case TransferEncoding::eight_bit:
    case TransferEncoding::binary: break;
  }
  return std::string(body);
}

}  // namespace payload::mime
