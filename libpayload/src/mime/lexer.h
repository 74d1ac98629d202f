// payload::mime private: a cursor over a structured header value (RFC 822 3.3 lexical
// tokens as RFC 2045 uses them): tokens, quoted-strings, comments, whitespace.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace payload::mime::detail {

class Lexer final {
public:
  explicit Lexer(std::string_view text) : m_text(text) {}

  [[nodiscard]] bool done() const noexcept { return m_pos >= m_text.size(); }
  [[nodiscard]] char peek() const noexcept { return done() ? '\0' : m_text[m_pos]; }
  [[nodiscard]] std::size_t position() const noexcept { return m_pos; }
  void advance() noexcept { ++m_pos; }
  // Consumes `c` when it is next.
  bool accept(char c) noexcept;

  // Skips whitespace (and line breaks left in a raw value) and RFC 822 comments,
  // which nest and may contain quoted-pairs. An unterminated comment is bad_data.
  Status skip_cfws();
  // The longest run of token characters (possibly empty).
  std::string_view token();
  // A quoted-string whose opening '"' is next; returns its content with quoted-pairs resolved.
  Result<std::string> quoted_string();
  // Characters up to the next ';', whitespace, '"' or '(' (a lenient unquoted value).
  std::string_view bare_value();

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

}  // namespace payload::mime::detail
