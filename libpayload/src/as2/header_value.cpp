// payload::as2 header-injection guard.
#include <payload/as2/header_value.h>

#include <string>

namespace payload::as2 {

Status check_header_value(std::string_view field, std::string_view value) {
  for (const char c : value) {
    const auto b = static_cast<unsigned char>(c);
    if (b == '\r' || b == '\n')
      return fail(Errc::usage, std::string(field) + ": a line break in a header value (header injection)");
    if ((b < 0x20 && b != '\t') || b == 0x7f)
      return fail(Errc::usage, std::string(field) + ": a control character in a header value");
    if (b > 0x7e) return fail(Errc::usage, std::string(field) + ": a non-ASCII byte in a header value");
  }
  if (value.size() > 998) return fail(Errc::usage, std::string(field) + ": header value longer than 998 characters");
  return {};
}

}  // namespace payload::as2
