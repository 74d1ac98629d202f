// Canonical text form: bare LF to CRLF and nothing else (RFC 5751 3.1.1).
#include <catch2/catch.hpp>

#include <string>

#include <payload/mime/canonicalize.h>

using namespace payload::mime;

TEST_CASE("bare LF becomes CRLF, while CRLF, lone CR and other bytes are untouched") {
  CHECK(canonicalize("a\nb\r\nc\rd\n\n") == "a\r\nb\r\nc\rd\r\n\r\n");
  CHECK(canonicalize("") == "");
  CHECK(canonicalize("\r\n\r\n") == "\r\n\r\n");
  CHECK(canonicalize("\n") == "\r\n");
  CHECK(canonicalize("\r") == "\r");
  const std::string binary("\0\xff\x80\r\x0b", 5);
  CHECK(canonicalize(binary) == binary);
}

TEST_CASE("the streaming form gives the same result whatever the chunking") {
  const std::string text = "line1\nline2\r\nline3\r\rx\n\r\n\n";
  const std::string expected = canonicalize(text);
  CHECK(expected == "line1\r\nline2\r\nline3\r\rx\r\n\r\n\r\n");
  for (std::size_t chunk = 1; chunk <= text.size(); ++chunk) {
    std::string out;
    Canonicalizer canonicalizer;
    for (std::size_t pos = 0; pos < text.size(); pos += chunk) canonicalizer.update(std::string_view(text).substr(pos, chunk), out);
    INFO("chunk size " << chunk);
    CHECK(out == expected);
  }
}
