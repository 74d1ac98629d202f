// base64: RFC 4648 vectors, line breaking, tolerance of whitespace, strictness otherwise.
#include <catch2/catch.hpp>

#include <string>

#include <payload/mime/base64.h>

#include "support/temp_dir.h"

using namespace payload;
using namespace payload::mime;

TEST_CASE("base64 matches the RFC 4648 section 10 vectors") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64_encode(plain) == encoded);
    auto decoded = base64_decode(encoded);
    REQUIRE(decoded);
    CHECK(*decoded == plain);
  }
}

TEST_CASE("base64 round trip of every byte value, with 76-character CRLF lines") {
  const std::string data = payload::test::pseudo_random_bytes(1000, 7) + std::string("\0\x01\xff\x80", 4);
  const std::string encoded = base64_encode(data);
  // RFC 2045 6.8: at most 76 characters per line; here every full line has exactly 76.
  std::size_t begin = 0;
  std::size_t lines = 0;
  while (true) {
    const std::size_t crlf = encoded.find("\r\n", begin);
    const std::size_t end = crlf == std::string::npos ? encoded.size() : crlf;
    if (crlf != std::string::npos) CHECK(end - begin == 76);
    CHECK(end - begin <= 76);
    ++lines;
    if (crlf == std::string::npos) break;
    begin = crlf + 2;
  }
  CHECK(lines == ((data.size() + 2) / 3 * 4 + 75) / 76);
  CHECK(encoded.find('\n') == encoded.find("\r\n") + 1);
  CHECK(encoded.substr(encoded.size() - 2) != "\r\n");
  auto decoded = base64_decode(encoded);
  REQUIRE(decoded);
  CHECK(*decoded == data);
  CHECK(base64_encode(data, 0).find('\r') == std::string::npos);
  CHECK(base64_encode("foobar", 4) == "Zm9v\r\nYmFy");
}

TEST_CASE("base64 decoding skips line breaks, spaces and tabs anywhere") {
  auto decoded = base64_decode(" Zm9v\r\nYm\tFy \n\r\nZm8=\r\n");
  REQUIRE(decoded);
  CHECK(*decoded == "foobarfo");
  auto lf_only = base64_decode("Zm9v\nYg==\n");
  REQUIRE(lf_only);
  CHECK(*lf_only == "foob");
}

TEST_CASE("invalid base64 is bad_data with what and where") {
  const char* cases[] = {
      "Zm9v!",        // not in the alphabet
      "Zm9v-_",       // base64url is a different alphabet
      "Zm9",          // truncated group
      "Z",            // truncated group
      "Zg=",          // padding short
      "Z===",         // too much padding
      "====",         // padding only
      "Zg==Zg==",     // data after padding
      "Zm9=v",        // data after padding
      "Zg===",        // a fifth character in the padded group
  };
  for (const char* text : cases) {
    INFO(text);
    auto decoded = base64_decode(text);
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().code() == Errc::bad_data);
  }
  auto bad = base64_decode("Zm9v\r\nZm9v#");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message() == "invalid base64 character '#' at offset 10");
  auto nul = base64_decode(std::string("Zm\0v", 4));
  REQUIRE_FALSE(nul);
  CHECK(nul.error().message().find("0x00") != std::string::npos);
}

TEST_CASE("base64 decoded in pieces cut anywhere equals the whole decode") {
  std::string data;
  for (int i = 0; i < 3001; ++i) data += static_cast<char>((i * 131 + 7) & 0xff);
  const std::string text = base64_encode(data, 76);
  for (const std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{77}, std::size_t{1000}, text.size()}) {
    INFO("piece " << piece);
    Base64Decoder decoder;
    std::string out;
    for (std::size_t at = 0; at < text.size(); at += piece) REQUIRE(decoder.update(std::string_view(text).substr(at, piece), out));
    REQUIRE(decoder.finish(out));
    CHECK(out == data);
  }
}

TEST_CASE("base64 decoded in pieces reports errors at their offset in the whole text") {
  Base64Decoder decoder;
  std::string out;
  REQUIRE(decoder.update("QUJD", out));
  auto bad = decoder.update("RA=!", out);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code() == Errc::bad_data);
  CHECK(bad.error().message().find("offset 7") != std::string::npos);

  Base64Decoder truncated;
  std::string rest;
  REQUIRE(truncated.update("QUJ", rest));
  auto end = truncated.finish(rest);
  REQUIRE_FALSE(end);
  CHECK(end.error().message().find("truncated") != std::string::npos);
}
