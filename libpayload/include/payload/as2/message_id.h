// payload::as2 Message-ID: generating ours and checking the partner's (RFC 4130 5.3.3,
// i05 5.3.3).
//
// A received Message-ID is kept byte for byte: the MDN's Original-Message-ID echoes it
// exactly, brackets or not (as2-specs T3). Brackets and '@' are not required on input
// (Drummond 3Q13 #6: IDs without '@' must be accepted).
#pragma once

#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace payload::as2 {

// RFC 5322 2.1.1 line limit, which RFC 4130 5.3.3 applies to the whole ID.
inline constexpr std::size_t max_message_id_length = 998;

// "<YYYYMMDDhhmmss.32-hex-random@host>": globally unique, at most 255 characters
// (the SHOULD of i05 5.3.3), no spaces or control characters. The 128 random bits come
// from std::random_device. Errors (Errc::usage): a host that is empty, longer than 200
// characters, or holds anything but letters, digits, '-', '.' and '_'.
[[nodiscard]] Result<std::string> generate_message_id(std::string_view host);

// Checks a received value (unfolded, surrounding whitespace removed). Valid: 1 to 998
// characters, all printable US-ASCII without space (0x21..0x7E, i05 5.3.3: no spaces or
// control characters), brackets either both present around a non-empty ID or both
// absent, and no '<' or '>' elsewhere. Errors (Errc::bad_data) say which rule failed.
[[nodiscard]] Status check_message_id(std::string_view value);

// The ID without its enclosing brackets, for comparisons ("<a@b>" and "a@b" are the
// same message, i05 5.3.3: the brackets are not part of the value).
[[nodiscard]] std::string_view message_id_value(std::string_view value) noexcept;

}  // namespace payload::as2
