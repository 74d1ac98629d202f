// payload::mime canonicalization: bare LF to CRLF, the canonical line end of text
// (RFC 5751 3.1.1, RFC 8551 3.1.1), for MICs and signatures computed over text parts.
//
// Apply it only where the canonical form is due: header blocks and text/* bodies. Never
// to application/* bodies such as EDI or binary payloads, whose bytes are hashed as they
// are (as2-specs §2, T5); several partners break exactly there (pyas2-lib #47, phase2 #12).
#pragma once

#include <string>
#include <string_view>

namespace payload::mime {

// Streams the conversion: feed chunks in order; a CR at the end of one chunk and an LF
// at the start of the next are recognised as one CRLF. Only a LF not preceded by CR
// changes (it becomes CRLF); CRLF, a lone CR and every other byte pass unchanged.
class Canonicalizer final {
public:
  // Appends the canonical form of `chunk` to `out`.
  void update(std::string_view chunk, std::string& out);

private:
  bool m_after_cr = false;
};

// The whole-buffer form of Canonicalizer.
[[nodiscard]] std::string canonicalize(std::string_view text);

}  // namespace payload::mime
