// payload::as2 HTTP message: an AS2 request as header fields plus body, and its "wire
// form" (header lines ending in CRLF, an empty line, the raw body), the form the interop
// vectors are stored in and a transport hands over.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <payload/core/error.h>

namespace payload::as2 {

struct HttpMessage {
  // In order, names as written, values unfolded. No Content-Length: framing is the
  // transport's job (send Content-Length, never together with chunked, as2-specs T11).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // "Name: value" CRLF for each header, CRLF, body. Copies the body once.
  [[nodiscard]] std::string wire() const;
};

// Splits a wire form. Header lines may end in CRLF or LF and may be folded (unfolded
// here); the body is everything after the first empty line, taken over without a copy
// (the prefix is erased in place). Errors (Errc::bad_data): no empty line ends the header
// block, malformed fields, the mime header-block limits.
[[nodiscard]] Result<HttpMessage> parse_http_message(std::string wire);

}  // namespace payload::as2
