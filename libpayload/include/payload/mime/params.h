// payload::mime parameters: the `; name=value` lists of Content-Type and
// Content-Disposition, parsed (RFC 2045 5.1, RFC 2231) and written back with quoting.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>

namespace payload::mime {

struct Parameter {
  std::string name;      // lowercased: parameter names are case-insensitive (RFC 2045 5.1)
  std::string value;     // unquoted; RFC 2231 values percent-decoded and continuations joined
  std::string charset;   // RFC 2231 charset of an extended value ("" otherwise); value is not converted
  std::string language;  // RFC 2231 language tag ("" when absent)
};

// Parameters in their order of appearance; one entry per name.
class Parameters final {
public:
  // The value of a parameter by name (case-insensitive).
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept;
  [[nodiscard]] const Parameter* find(std::string_view name) const noexcept;
  // Adds or replaces a parameter (name is lowercased).
  void set(std::string_view name, std::string value);

  [[nodiscard]] const std::vector<Parameter>& items() const noexcept { return m_items; }
  [[nodiscard]] bool empty() const noexcept { return m_items.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return m_items.size(); }

  // For the parser: appends without checking for duplicates.
  void append(Parameter parameter) { m_items.push_back(std::move(parameter)); }

private:
  std::vector<Parameter> m_items;
};

// Parses `*(";" parameter)` as it follows a media type or disposition type in an unfolded
// field value. Values are tokens or quoted-strings (RFC 2045 5.1, RFC 822 quoted-pair);
// comments are skipped (RFC 822 3.4.3). Tolerated because partners send them: a trailing
// ';', spaces around '=', and unquoted values containing tspecials other than ';' (e.g.
// boundary=----=_Part_1). RFC 2231: `name*=charset'lang'%XX` and continuations `name*0`,
// `name*1*`, ... are joined and decoded; an RFC 2231 form wins over a plain one of the
// same name. Errors (Errc::bad_data): an unterminated quoted-string, a missing '=', a
// duplicate name, a bad %XX escape, continuations with a gap.
[[nodiscard]] Result<Parameters> parse_parameters(std::string_view text);

// Writes `name=value`, quoting the value when it is empty or not a token (RFC 2045 5.1:
// tspecials, space), with '"' and '\' escaped. A value with bytes outside printable ASCII
// is written as RFC 2231 `name*=utf-8''%XX...`: the caller's bytes are taken as UTF-8.
[[nodiscard]] std::string format_parameter(std::string_view name, std::string_view value);

// True when `text` is a non-empty RFC 2045 token (writable without quotes).
[[nodiscard]] bool is_token(std::string_view text) noexcept;

}  // namespace payload::mime
