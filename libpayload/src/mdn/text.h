// payload::mdn private: ASCII helpers for the MDN grammars (RFC 8098, RFC 4130 7.4.3).
//
// Every MDN token is US-ASCII and compares case-insensitively (i05 8.4.3: "values,
// including free text, are case-insensitive"); <cctype> depends on the locale, so these
// look at byte values only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>

namespace payload::mdn::detail {

[[nodiscard]] constexpr char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

[[nodiscard]] constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

[[nodiscard]] inline std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

// Removes leading and trailing spaces, tabs and line ends (values arrive unfolded, but
// partners pad them).
[[nodiscard]] constexpr std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// True when every byte is printable US-ASCII or a space (no controls, no 8-bit bytes).
[[nodiscard]] bool is_printable_ascii(std::string_view text) noexcept;

// A value for an error message: at most 80 bytes, controls and 8-bit bytes as '?', so a
// hostile partner cannot put line breaks or megabytes into our logs.
[[nodiscard]] std::string excerpt(std::string_view text);

// RFC 822 quoted-string content with '"' and '\' escaped, without the quotes.
[[nodiscard]] std::string escape_quoted(std::string_view text);

// Splits `text` at every `separator` outside a quoted-string ("..." with \-escapes).
// Errors (Errc::bad_data): an unterminated quoted-string.
[[nodiscard]] Result<std::vector<std::string_view>> split_outside_quotes(std::string_view text, char separator);

// The content of a quoted-string (outer quotes removed, \-escapes undone) when `text` is
// one, else `text` itself. Errors (Errc::bad_data): an unterminated quoted-string or text
// after the closing quote.
[[nodiscard]] Result<std::string> unquote(std::string_view text);

}  // namespace payload::mdn::detail
