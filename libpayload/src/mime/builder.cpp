// payload::mime builder: header folding and entity assembly.
#include <payload/mime/builder.h>

#include <algorithm>
#include <vector>

#include <payload/mime/base64.h>
#include <payload/mime/limits.h>

#include "ascii.h"

namespace payload::mime {
namespace {

// RFC 5322 2.1.1 asks for lines of at most 78 characters; 76 leaves the margin RFC 2045
// keeps for encoded text.
constexpr std::size_t kFoldWidth = 76;

// Positions in `line` where a fold may go: before a WSP that starts a run of WSP (so no
// line ends in whitespace a transport could strip) and that is followed later by
// something other than WSP (so no continuation line is blank, RFC 5322 2.2.3). `quoted`
// tells whether each candidate lies inside a quoted-string.
struct BreakPoint {
  std::size_t pos;
  bool quoted;
};

std::vector<BreakPoint> break_points(std::string_view line, std::size_t value_begin) {
  std::vector<BreakPoint> points;
  bool quoted = false;
  const std::size_t last_text = line.find_last_not_of(" \t");
  for (std::size_t i = value_begin; i < line.size() && i < last_text; ++i) {
    const char c = line[i];
    if (c == '\\' && quoted) {
      ++i;
      continue;
    }
    if (c == '"') quoted = !quoted;
    // i > value_begin: never leave "Name:" alone on the first line.
    if (detail::is_wsp(c) && i > value_begin && !detail::is_wsp(line[i - 1])) points.push_back({i, quoted});
  }
  return points;
}

std::string fold(std::string_view line, std::size_t value_begin) {
  const std::vector<BreakPoint> points = break_points(line, value_begin);
  std::string out;
  std::size_t line_start = 0;
  std::size_t next_point = 0;
  while (line.size() - line_start > kFoldWidth) {
    // The last break point that keeps this line within the width, outside quotes if one
    // exists, else inside; failing both, the first break point past the width.
    std::optional<std::size_t> outside;
    std::optional<std::size_t> inside;
    std::optional<std::size_t> beyond;
    for (std::size_t k = next_point; k < points.size(); ++k) {
      const BreakPoint& point = points[k];
      if (point.pos <= line_start) continue;
      if (point.pos - line_start <= kFoldWidth) {
        (point.quoted ? inside : outside) = k;
      } else {
        beyond = k;
        break;
      }
    }
    const std::optional<std::size_t> chosen = outside ? outside : (inside ? inside : beyond);
    if (!chosen) break;
    const std::size_t pos = points[*chosen].pos;
    out.append(line.substr(line_start, pos - line_start));
    out += "\r\n";
    line_start = pos;
    next_point = *chosen + 1;
  }
  out.append(line.substr(line_start));
  return out;
}

}  // namespace

Result<std::string> format_field(std::string_view name, std::string_view value, Folding folding) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), detail::is_field_name_char)) {
    return fail(Errc::usage, "'" + std::string(name) + "' is not a valid header field name");
  }
  if (value.find_first_of("\r\n") != std::string_view::npos) {
    return fail(Errc::usage, "header field " + std::string(name) + " has a line break in its value");
  }
  std::string line(name);
  line += ": ";
  line += value;
  std::string out = folding == Folding::fold ? fold(line, name.size() + 1) : line;
  std::size_t begin = 0;
  while (begin <= out.size()) {
    const std::size_t crlf = out.find("\r\n", begin);
    const std::size_t end = crlf == std::string::npos ? out.size() : crlf;
    if (end - begin > max_line_length) {
      return fail(Errc::usage, "header field " + std::string(name) + " makes a line longer than " +
                                   std::to_string(max_line_length) + " characters");
    }
    if (crlf == std::string::npos) break;
    begin = crlf + 2;
  }
  out += "\r\n";
  return out;
}

Result<std::string> build_entity(std::span<const FieldSpec> fields, std::string_view body,
                                 std::optional<TransferEncoding> encoding, Folding folding) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (encoding && detail::iequals(name, "Content-Transfer-Encoding")) {
      return fail(Errc::usage, "Content-Transfer-Encoding is given both as a field and as the encoding");
    }
    auto line = format_field(name, value, folding);
    if (!line) return tl::unexpected(line.error());
    out += *line;
  }
  if (!encoding) {
    out += "\r\n";
    out += body;
    return out;
  }
  switch (*encoding) {
    case TransferEncoding::quoted_printable:
      return fail(Errc::unsupported, "quoted-printable encoding is not offered (decode only)");
    case TransferEncoding::seven_bit:
      if (std::any_of(body.begin(), body.end(), [](char c) { return c == '\0' || detail::byte(c) > 127; })) {
        return fail(Errc::usage, "body has 8-bit or NUL bytes and cannot be labelled 7bit");
      }
      break;
    case TransferEncoding::eight_bit:
      if (body.find('\0') != std::string_view::npos) return fail(Errc::usage, "body has NUL bytes and cannot be labelled 8bit");
      break;
    case TransferEncoding::binary:
    case TransferEncoding::base64: break;
  }
  auto cte = format_field("Content-Transfer-Encoding", transfer_encoding_name(*encoding), folding);
  if (!cte) return tl::unexpected(cte.error());
  out += *cte;
  out += "\r\n";
  if (*encoding == TransferEncoding::base64) {
    out += base64_encode(body, 76);
    if (!body.empty()) out += "\r\n";
  } else {
    out += body;
  }
  return out;
}

}  // namespace payload::mime
