// payload::mdn private: the values of the HTTP headers an MDN carries besides its MIME
// fields: Date (RFC 5322 3.3) and a fresh Message-ID (RFC 4130 5.3.3, i05 5.3.3).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace payload::mdn::detail {

// "Sun, 22 Nov 2026 00:23:37 +0000", independent of the locale.
[[nodiscard]] std::string rfc5322_date(std::chrono::system_clock::time_point when);

// "<UNIXMILLIS.32HEX@domain>": 128 random bits from OpenSSL's CSPRNG, so IDs are unique
// without coordination (i05 5.3.3 SHOULD be globally unique). Errors (Errc::usage): a
// domain with spaces, controls, 8-bit bytes, '<', '>' or '@' (i05 5.3.3: generated IDs
// MUST NOT contain spaces or control characters); internal when no randomness.
[[nodiscard]] Result<std::string> generate_message_id(std::string_view domain);

// A caller-chosen Message-ID, bracketed when it is not: same character rules as above,
// at most 998 characters with brackets (i05 5.3.3). Errors (Errc::usage).
[[nodiscard]] Result<std::string> bracket_message_id(std::string_view id);

}  // namespace payload::mdn::detail
