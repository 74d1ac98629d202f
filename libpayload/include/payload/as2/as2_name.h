// payload::as2 names: the AS2-From / AS2-To identifiers (RFC 4130 6.2, i05 6.3).
//
// A name is 1 to 128 printable US-ASCII characters, space included, compared
// case-sensitively. On the wire it is written bare when it has no space, '"' or '\', and
// otherwise as a quoted-string with '\"' and '\\' escapes (field notes 1.6: Cleo cut
// unquoted names at the first space). It is never folded. Writing a name is
// mdn::quote_as2_name (the MDN's recipient fields need the same quoting); reading one
// from AS2-From / AS2-To is here.
#pragma once

#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace payload::as2 {

inline constexpr std::size_t max_as2_name_length = 128;

// True for 1..128 characters, each 0x20..0x7E.
[[nodiscard]] bool is_valid_as2_name(std::string_view name) noexcept;

// The name in a received (unfolded) header value: a quoted-string is unescaped, a bare
// value taken as is; surrounding whitespace is ignored. Errors (Errc::bad_data): empty,
// an unterminated or trailing-garbage quoted-string, an escape of anything but '"' or
// '\', a bare value with space, '"' or '\', or a result that is not a valid name.
[[nodiscard]] Result<std::string> parse_as2_name(std::string_view value);

}  // namespace payload::as2
