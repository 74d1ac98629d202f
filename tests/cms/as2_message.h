// A deliberately tiny, test-only reader for the AS2 interop messages: header block and
// body split, Content-Type parameters, multipart/signed parts as raw bytes, base64. Just
// enough to reach the CMS inside; the real MIME module lives elsewhere.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace payload::test {

struct Entity {
  std::map<std::string, std::string> headers;  // lower-case names, unfolded values
  std::string body;                            // raw bytes after the blank line
  [[nodiscard]] std::string header(const std::string& name) const;
  // Lower-case media type without parameters ("application/pkcs7-mime").
  [[nodiscard]] std::string media_type() const;
  // A Content-Type parameter, unquoted ("" when absent).
  [[nodiscard]] std::string param(const std::string& name) const;
  // The body with its Content-Transfer-Encoding undone (base64 or identity).
  [[nodiscard]] std::string decoded_body() const;
};

Entity parse_entity(std::string_view raw);
// The raw bytes of each part between the delimiters (RFC 2046 §5.1.1: the CRLF before a
// delimiter belongs to the delimiter).
std::vector<std::string> multipart_parts(std::string_view body, const std::string& boundary);
std::string base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

}  // namespace payload::test
