// payload::mime private: ASCII character classes and case-insensitive comparison.
//
// MIME syntax is defined over US-ASCII bytes; <cctype> depends on the locale and is
// undefined for negative chars, so these helpers look at the byte values only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace payload::mime::detail {

[[nodiscard]] constexpr unsigned char byte(char c) noexcept { return static_cast<unsigned char>(c); }

// RFC 5234 B.1 WSP: space and horizontal tab.
[[nodiscard]] constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

[[nodiscard]] constexpr char to_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

[[nodiscard]] constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

[[nodiscard]] constexpr bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

[[nodiscard]] inline std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

// Removes leading and trailing WSP (not line ends: callers unfold first).
[[nodiscard]] constexpr std::string_view trim_wsp(std::string_view text) noexcept {
  while (!text.empty() && is_wsp(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_wsp(text.back())) text.remove_suffix(1);
  return text;
}

// RFC 2045 5.1 tspecials: must be in a quoted-string to appear in a parameter value.
[[nodiscard]] constexpr bool is_tspecial(char c) noexcept {
  switch (c) {
    case '(': case ')': case '<': case '>': case '@': case ',': case ';': case ':':
    case '\\': case '"': case '/': case '[': case ']': case '?': case '=':
      return true;
    default:
      return false;
  }
}

// RFC 2045 5.1 token: any US-ASCII char except SPACE, CTLs and tspecials.
[[nodiscard]] constexpr bool is_token_char(char c) noexcept {
  const unsigned char b = byte(c);
  return b > 0x20 && b < 0x7f && !is_tspecial(c);
}

// RFC 5322 3.6.8 ftext: printable US-ASCII except colon.
[[nodiscard]] constexpr bool is_field_name_char(char c) noexcept {
  const unsigned char b = byte(c);
  return b >= 33 && b <= 126 && c != ':';
}

// Value of a hexadecimal digit, or -1.
[[nodiscard]] constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Renders a byte for an error message: printable ASCII as itself, anything else as 0xNN.
[[nodiscard]] std::string describe_byte(char c);

}  // namespace payload::mime::detail
