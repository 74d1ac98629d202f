// payload::mime canonicalization: bare LF to CRLF.
#include <payload/mime/canonicalize.h>

namespace payload::mime {

void Canonicalizer::update(std::string_view chunk, std::string& out) {
  for (const char c : chunk) {
    if (c == '\n' && !m_after_cr) out += '\r';
    out += c;
    m_after_cr = c == '\r';
  }
}

std::string canonicalize(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  Canonicalizer canonicalizer;
  canonicalizer.update(text, out);
  return out;
}

}  // namespace payload::mime
