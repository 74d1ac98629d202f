// payload::mime private: the structured-value cursor.
#include "lexer.h"

#include "ascii.h"

namespace payload::mime::detail {

bool Lexer::accept(char c) noexcept {
  if (done() || m_text[m_pos] != c) return false;
  ++m_pos;
  return true;
}

Status Lexer::skip_cfws() {
  while (!done()) {
    const char c = m_text[m_pos];
    if (is_wsp(c) || c == '\r' || c == '\n') {
      ++m_pos;
      continue;
    }
    if (c != '(') return {};
    // RFC 822 3.4.3: comments nest; a quoted-pair may hide a parenthesis.
    int depth = 0;
    do {
      const char d = m_text[m_pos];
      if (d == '\\') {
        ++m_pos;
      } else if (d == '(') {
        ++depth;
      } else if (d == ')') {
        --depth;
      }
      ++m_pos;
    } while (depth > 0 && m_pos < m_text.size());
    if (depth > 0) return fail(Errc::bad_data, "unterminated comment in a header value");
  }
  return {};
}

std::string_view Lexer::token() {
  const std::size_t begin = m_pos;
  while (!done() && is_token_char(m_text[m_pos])) ++m_pos;
  return m_text.substr(begin, m_pos - begin);
}

Result<std::string> Lexer::quoted_string() {
  std::string out;
  ++m_pos;  // the opening quote
  while (!done()) {
    const char c = m_text[m_pos++];
    if (c == '"') return out;
    if (c == '\\') {
      // RFC 822 3.4.4 quoted-pair: the next character stands for itself.
      if (done()) break;
      out += m_text[m_pos++];
      continue;
    }
    out += c;
  }
  return fail(Errc::bad_data, "unterminated quoted-string in a header value");
}

std::string_view Lexer::bare_value() {
  const std::size_t begin = m_pos;
  while (!done()) {
    const char c = m_text[m_pos];
    if (c == ';' || c == '"' || c == '(' || is_wsp(c) || c == '\r' || c == '\n') break;
    ++m_pos;
  }
  return m_text.substr(begin, m_pos - begin);
}

}  // namespace payload::mime::detail
