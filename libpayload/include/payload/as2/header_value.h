// payload::as2 header values: the guard every header we write passes through.
//
// A value with CR or LF would end the header early and let a partner-controlled string
// (a subject, a filename, a URL) inject fields of its own; NUL and other control
// characters confuse HTTP servers and proxies (RFC 9110 5.5).
#pragma once

#include <string_view>

#include <payload/core/error.h>

namespace payload::as2 {

// Errors (Errc::usage, naming `field`): a value with CR, LF, NUL or another control
// character except horizontal tab, a byte above 0x7E (we write no RFC 2047 encoded
// words, and raw 8-bit header bytes are read differently by every partner), or one
// longer than 998 characters (RFC 5322 2.1.1).
[[nodiscard]] Status check_header_value(std::string_view field, std::string_view value);

}  // namespace payload::as2
