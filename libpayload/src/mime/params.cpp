// payload::mime parameters: parsing (RFC 2045 5.1, RFC 2231) and quoting on output.
#include <payload/mime/params.h>

#include <algorithm>
#include <array>

#include "ascii.h"
#include "lexer.h"

namespace payload::mime {

using detail::iequals;
using detail::lowercase;

std::optional<std::string_view> Parameters::get(std::string_view name) const noexcept {
  const Parameter* parameter = find(name);
  if (parameter == nullptr) return std::nullopt;
  return std::string_view(parameter->value);
}

const Parameter* Parameters::find(std::string_view name) const noexcept {
  for (const Parameter& parameter : m_items) {
    if (iequals(parameter.name, name)) return &parameter;
  }
  return nullptr;
}

void Parameters::set(std::string_view name, std::string value) {
  for (Parameter& parameter : m_items) {
    if (iequals(parameter.name, name)) {
      parameter.value = std::move(value);
      parameter.charset.clear();
      parameter.language.clear();
      return;
    }
  }
  m_items.push_back(Parameter{lowercase(name), std::move(value), {}, {}});
}

bool is_token(std::string_view text) noexcept {
  return !text.empty() && std::all_of(text.begin(), text.end(), detail::is_token_char);
}

namespace {

// One `name=value` as written, with its RFC 2231 decoration taken apart.
struct RawParameter {
  std::string base;    // lowercased name without the RFC 2231 suffix
  int index = -1;      // continuation number, -1 when the name has none
  bool extended = false;  // a trailing '*': the value is percent-encoded
  std::string value;
};

// RFC 2231 3, 4: name, name*, name*N, name*N*.
Result<RawParameter> split_name(std::string_view name) {
  RawParameter raw;
  const std::size_t star = name.find('*');
  raw.base = lowercase(name.substr(0, star));
  if (star == std::string_view::npos) return raw;
  std::string_view rest = name.substr(star + 1);
  if (raw.base.empty()) return fail(Errc::bad_data, "parameter name '" + std::string(name) + "' is malformed");
  if (rest.empty()) {
    raw.extended = true;
    return raw;
  }
  if (rest.back() == '*') {
    raw.extended = true;
    rest.remove_suffix(1);
  }
  // Four digits are plenty: a header block is at most 64 KiB.
  if (rest.empty() || rest.size() > 4 || !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return fail(Errc::bad_data, "parameter name '" + std::string(name) + "' is not a valid RFC 2231 continuation");
  }
  raw.index = std::stoi(std::string(rest));
  return raw;
}

// RFC 2231 4: %XX escapes in an extended value.
Result<std::string> percent_decode(std::string_view text, std::string_view name) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int high = i + 1 < text.size() ? detail::hex_value(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? detail::hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0) return fail(Errc::bad_data, "parameter '" + std::string(name) + "' has a bad %XX escape");
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// RFC 2231 4: charset'language'encoded-text in the first (or only) extended segment.
Status decode_initial_segment(std::string_view value, Parameter& out) {
  const std::size_t first = value.find('\'');
  const std::size_t second = first == std::string_view::npos ? first : value.find('\'', first + 1);
  if (second == std::string_view::npos) {
    return fail(Errc::bad_data, "parameter '" + out.name + "*' lacks the charset'language' prefix of RFC 2231");
  }
  out.charset = lowercase(value.substr(0, first));
  out.language = std::string(value.substr(first + 1, second - first - 1));
  auto text = percent_decode(value.substr(second + 1), out.name);
  if (!text) return tl::unexpected(text.error());
  out.value = std::move(*text);
  return {};
}

// Joins the RFC 2231 pieces of one parameter (all with the same base name).
Result<Parameter> assemble(const std::string& base, std::vector<const RawParameter*> pieces) {
  Parameter parameter;
  parameter.name = base;
  if (pieces.size() == 1 && pieces.front()->index < 0) {
    // name*=charset'lang'text
    if (auto status = decode_initial_segment(pieces.front()->value, parameter); !status) return tl::unexpected(status.error());
    return parameter;
  }
  std::sort(pieces.begin(), pieces.end(), [](const RawParameter* a, const RawParameter* b) { return a->index < b->index; });
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const RawParameter& piece = *pieces[i];
    if (piece.index != static_cast<int>(i)) {
      return fail(Errc::bad_data, "parameter '" + base + "' has RFC 2231 continuations that are missing, repeated or mixed");
    }
    if (i == 0 && piece.extended) {
      if (auto status = decode_initial_segment(piece.value, parameter); !status) return tl::unexpected(status.error());
    } else if (piece.extended) {
      auto text = percent_decode(piece.value, base);
      if (!text) return tl::unexpected(text.error());
      parameter.value += *text;
    } else {
      parameter.value += piece.value;
    }
  }
  return parameter;
}

}  // namespace

Result<Parameters> parse_parameters(std::string_view text) {
  std::vector<RawParameter> raws;
  detail::Lexer lexer(text);
  while (true) {
    if (auto status = lexer.skip_cfws(); !status) return tl::unexpected(status.error());
    if (lexer.done()) break;
    if (!lexer.accept(';')) {
      return fail(Errc::bad_data, "expected ';' before a parameter, found " + detail::describe_byte(lexer.peek()));
    }
    if (auto status = lexer.skip_cfws(); !status) return tl::unexpected(status.error());
    // A trailing or doubled ';' carries nothing: tolerated.
    if (lexer.done() || lexer.peek() == ';') continue;
    const std::string_view name = lexer.token();
    if (name.empty()) return fail(Errc::bad_data, "expected a parameter name, found " + detail::describe_byte(lexer.peek()));
    if (auto status = lexer.skip_cfws(); !status) return tl::unexpected(status.error());
    if (!lexer.accept('=')) return fail(Errc::bad_data, "parameter '" + std::string(name) + "' has no '='");
    if (auto status = lexer.skip_cfws(); !status) return tl::unexpected(status.error());
    std::string value;
    if (lexer.peek() == '"' && !lexer.done()) {
      auto quoted = lexer.quoted_string();
      if (!quoted) return tl::unexpected(quoted.error());
      value = std::move(*quoted);
    } else {
      value = std::string(lexer.bare_value());
      if (value.empty()) return fail(Errc::bad_data, "parameter '" + std::string(name) + "' has no value");
    }
    auto raw = split_name(name);
    if (!raw) return tl::unexpected(raw.error());
    raw->value = std::move(value);
    raws.push_back(std::move(*raw));
  }

  // Group by base name, in order of first appearance.
  Parameters parameters;
  std::vector<std::string> seen;
  for (const RawParameter& first : raws) {
    if (std::find(seen.begin(), seen.end(), first.base) != seen.end()) continue;
    seen.push_back(first.base);
    const RawParameter* plain = nullptr;
    std::vector<const RawParameter*> pieces;
    for (const RawParameter& raw : raws) {
      if (raw.base != first.base) continue;
      if (raw.index < 0 && !raw.extended) {
        // Two plain values for one name would let two parsers disagree on, say, the
        // boundary of a signed message: refuse rather than pick one.
        if (plain != nullptr) return fail(Errc::bad_data, "parameter '" + raw.base + "' appears twice");
        plain = &raw;
      } else {
        pieces.push_back(&raw);
      }
    }
    if (pieces.empty()) {
      parameters.append(Parameter{plain->base, plain->value, {}, {}});
      continue;
    }
    if (pieces.size() > 1 && std::any_of(pieces.begin(), pieces.end(), [](const RawParameter* p) { return p->index < 0; })) {
      return fail(Errc::bad_data, "parameter '" + first.base + "*' appears twice");
    }
    // RFC 2231 form wins over a plain fallback of the same name (as RFC 6266 4.3 says for HTTP).
    auto assembled = assemble(first.base, std::move(pieces));
    if (!assembled) return tl::unexpected(assembled.error());
    parameters.append(std::move(*assembled));
  }
  return parameters;
}

std::string format_parameter(std::string_view name, std::string_view value) {
  std::string out(name);
  if (is_token(value)) {
    out += '=';
    out += value;
    return out;
  }
  const bool printable = std::all_of(value.begin(), value.end(), [](char c) {
    const unsigned char b = detail::byte(c);
    return (b >= 0x20 && b < 0x7f) || c == '\t';
  });
  if (printable) {
    // RFC 2045 5.1 / RFC 822 3.4.4: a quoted-string escapes '"' and '\'.
    out += "=\"";
    for (const char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
    return out;
  }
  // RFC 2231 4: attribute-chars stay, everything else becomes %XX.
  constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
  out += "*=utf-8''";
  for (const char c : value) {
    if (detail::is_token_char(c) && c != '*' && c != '\'' && c != '%') {
      out += c;
    } else {
      const unsigned char b = detail::byte(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
    }
  }
  return out;
}

}  // namespace payload::mime
