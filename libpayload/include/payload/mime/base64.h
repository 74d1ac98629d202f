// payload::mime base64 (RFC 2045 6.8): the Content-Transfer-Encoding AS2 partners use for
// signatures and, some of them, for payloads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace payload::mime {

// Encodes `data`. With line_length > 0 (76 is the RFC 2045 6.8 maximum), lines are
// separated by CRLF; there is no CRLF after the last line. 0 gives one unbroken line.
[[nodiscard]] std::string base64_encode(std::string_view data, std::size_t line_length = 76);

// Decodes base64 text. Line breaks, spaces and tabs anywhere are ignored (RFC 2045 6.8
// tells decoders to ignore line breaks; partners also indent). Anything else outside the
// alphabet, '=' other than as final padding, or a length that is not a whole number of
// 4-character groups is Errc::bad_data: a signature or payload that decodes "roughly" is
// worse than an error.
[[nodiscard]] Result<std::string> base64_decode(std::string_view text);

// base64_decode in pieces, for text too large to decode at once: update() with the text
// in order, cut anywhere, appends what each piece completes to `out`; finish() checks the
// end and appends the last bytes. The errors are base64_decode's, their offsets counted
// from the start of the whole text; after an error the decoder is spent.
class Base64Decoder final {
public:
  [[nodiscard]] Status update(std::string_view text, std::string& out);
  [[nodiscard]] Status finish(std::string& out);

private:
  unsigned m_accumulator = 0;
  int m_filled = 0;           // sextets in the current group
  int m_padding = 0;          // '=' seen so far
  std::size_t m_offset = 0;   // of the next piece in the whole text
};

}  // namespace payload::mime
