// payload::mdn private: ASCII helpers.
#include "text.h"

namespace payload::mdn::detail {

bool is_printable_ascii(std::string_view text) noexcept {
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

std::string excerpt(std::string_view text) {
  constexpr std::size_t limit = 80;
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    out += (b < 0x20 || b > 0x7e) ? '?' : text[i];
  }
  if (text.size() > limit) out += "...";
  return out;
}

std::string escape_quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

Result<std::vector<std::string_view>> split_outside_quotes(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '\\') {
      ++i;  // the escaped character, whatever it is
      continue;
    }
    if (c == '"') {
      quoted = !quoted;
    } else if (c == separator && !quoted) {
      pieces.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (quoted) return fail(Errc::bad_data, "unterminated quoted-string in '" + excerpt(text) + "'");
  pieces.push_back(text.substr(start));
  return pieces;
}

Result<std::string> unquote(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.front() != '"') return std::string(text);
  std::string out;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (++i == text.size()) break;
      out += text[i];
    } else if (c == '"') {
      if (i + 1 != text.size()) {
        return fail(Errc::bad_data, "text after the closing quote in '" + excerpt(text) + "'");
      }
      return out;
    } else {
      out += c;
    }
  }
  return fail(Errc::bad_data, "unterminated quoted-string in '" + excerpt(text) + "'");
}

}  // namespace payload::mdn::detail
