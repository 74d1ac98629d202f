// payload::as2 payload filename rules (i05 8.5.4 illegal-filename).
#include <payload/as2/filename.h>

namespace payload::as2 {

namespace {

// RFC 3629 UTF-8, without overlong forms or surrogates.
bool is_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      cp = b & 0x1fu;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      cp = b & 0x0fu;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      cp = b & 0x07u;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

Status check_filename(std::string_view name) {
  if (name.empty()) return fail(Errc::bad_data, "empty filename");
  if (name.size() > max_filename_length) return fail(Errc::bad_data, "filename longer than 255 bytes");
  for (const char c : name) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\') return fail(Errc::bad_data, "filename contains a directory separator");
    if (b < 0x20 || b == 0x7f) return fail(Errc::bad_data, "filename contains a control character");
  }
  if (name.front() == '.') return fail(Errc::bad_data, "filename starts with '.'");
  if (!is_utf8(name)) return fail(Errc::bad_data, "filename is not valid UTF-8");
  return {};
}

}  // namespace payload::as2
