// payload::mime quoted-printable decoder.
#include <payload/mime/quoted_printable.h>

#include "ascii.h"

namespace payload::mime {

Result<std::string> quoted_printable_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  std::size_t line_number = 1;
  while (pos < text.size()) {
    // One line and its break, which is CRLF, a bare LF, or nothing at the end of the text.
    const std::size_t lf = text.find('\n', pos);
    const std::size_t next = lf == std::string_view::npos ? text.size() : lf + 1;
    std::size_t end = lf == std::string_view::npos ? text.size() : lf;
    std::string_view line_break = text.substr(end, next - end);
    if (end > pos && text[end - 1] == '\r' && lf != std::string_view::npos) {
      --end;
      line_break = text.substr(end, next - end);
    }
    std::string_view line = text.substr(pos, end - pos);
    // RFC 2045 6.7 (3): trailing whitespace is not data.
    while (!line.empty() && detail::is_wsp(line.back())) line.remove_suffix(1);
    bool soft_break = false;
    if (!line.empty() && line.back() == '=') {
      // RFC 2045 6.7 (5): a final '=' joins this line to the next.
      soft_break = true;
      line.remove_suffix(1);
    }
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '=') {
        out += line[i];
        continue;
      }
      const int high = i + 1 < line.size() ? detail::hex_value(line[i + 1]) : -1;
      const int low = i + 2 < line.size() ? detail::hex_value(line[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return fail(Errc::bad_data, "quoted-printable line " + std::to_string(line_number) + " has a '=' that is not followed by two hex digits");
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (!soft_break) out += line_break;
    pos = next;
    ++line_number;
  }
  return out;
}

}  // namespace payload::mime
