// payload::as2 names: AS2-From / AS2-To quoting (RFC 4130 6.2, i05 6.3).
#include <payload/as2/as2_name.h>

namespace payload::as2 {

namespace {

constexpr bool is_printable(char c) noexcept { return c >= 0x20 && c <= 0x7e; }
// RFC 4130 6.2 AS2-text: printable ASCII except space, '"' and '\'.
constexpr bool is_as2_text(char c) noexcept { return c > 0x20 && c <= 0x7e && c != '"' && c != '\\'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool is_valid_as2_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_as2_name_length) return false;
  for (const char c : name) {
    if (!is_printable(c)) return false;
  }
  return true;
}

Result<std::string> parse_as2_name(std::string_view value) {
  value = trim(value);
  if (value.empty()) return fail(Errc::bad_data, "empty AS2 name");
  std::string name;
  if (value.front() == '"') {
    std::size_t i = 1;
    bool closed = false;
    for (; i < value.size(); ++i) {
      const char c = value[i];
      if (c == '"') {
        closed = true;
        ++i;
        break;
      }
      if (c == '\\') {
        if (i + 1 >= value.size() || (value[i + 1] != '"' && value[i + 1] != '\\'))
          return fail(Errc::bad_data, "AS2 name: only \\\" and \\\\ may be escaped (RFC 4130 6.2)");
        name += value[++i];
        continue;
      }
      name += c;
    }
    if (!closed) return fail(Errc::bad_data, "AS2 name: unterminated quoted-string");
    if (i != value.size()) return fail(Errc::bad_data, "AS2 name: text after the closing quote");
  } else {
    for (const char c : value) {
      if (!is_as2_text(c))
        return fail(Errc::bad_data, "AS2 name: an unquoted name holds only printable characters without space, '\"' or '\\'");
    }
    name = value;
  }
  if (!is_valid_as2_name(name)) return fail(Errc::bad_data, "AS2 name: 1 to 128 printable US-ASCII characters (RFC 4130 6.2)");
  return name;
}

}  // namespace payload::as2
