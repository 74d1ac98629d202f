// payload::mime Content-Transfer-Encoding (RFC 2045 6): names and decoding.
//
// AS2 runs over HTTP, which is 8-bit clean: most partners send `binary` or no CTE at all,
// some send base64 (as2-specs T4). A missing CTE must never fail (RFC 4130 5.2.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace payload::mime {

enum class TransferEncoding { seven_bit, eight_bit, binary, base64, quoted_printable };

// "7bit", "8bit", "binary", "base64", "quoted-printable".
[[nodiscard]] std::string_view transfer_encoding_name(TransferEncoding encoding) noexcept;

// Case-insensitive, surrounding whitespace ignored. An unknown (e.g. x-token) encoding is
// Errc::unsupported: RFC 2045 6.4 says to treat such a body as opaque, not to guess.
[[nodiscard]] Result<TransferEncoding> parse_transfer_encoding(std::string_view value);

// Undoes the encoding. 7bit, 8bit and binary are identity: the label is not policed,
// because partners label 8-bit EDI as 7bit and the bytes, not the label, are signed.
// Errors: those of base64_decode and quoted_printable_decode (Errc::bad_data).
[[nodiscard]] Result<std::string> decode_transfer_encoding(std::string_view body, TransferEncoding encoding);

}  // namespace payload::mime
