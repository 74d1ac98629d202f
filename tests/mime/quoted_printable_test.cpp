// quoted-printable decoding (RFC 2045 6.7).
#include <catch2/catch.hpp>

#include <payload/mime/quoted_printable.h>

using namespace payload;
using namespace payload::mime;

TEST_CASE("quoted-printable escapes, soft breaks and trailing whitespace") {
  auto decoded = quoted_printable_decode(
      "caf=C3=A9 =3D equals\r\n"
      "soft=\r\n"
      "break   \r\n"
      "lower=c3=a9\n"
      "soft lf=\n"
      "end");
  REQUIRE(decoded);
  CHECK(*decoded == "caf\xC3\xA9 = equals\r\nsoftbreak\r\nlower\xC3\xA9\nsoft lfend");
  auto trailing_soft = quoted_printable_decode("abc=  \r\ndef\r\n");
  REQUIRE(trailing_soft);
  CHECK(*trailing_soft == "abcdef\r\n");
  auto empty = quoted_printable_decode("");
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("a '=' not followed by two hex digits is bad_data") {
  for (const char* text : {"a=G1", "a=4", "a=\tb", "ok\r\nbad =Z9\r\n"}) {
    INFO(text);
    auto decoded = quoted_printable_decode(text);
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().code() == Errc::bad_data);
  }
  auto bad = quoted_printable_decode("ok\r\nbad =Z9\r\n");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message().find("line 2") != std::string::npos);
}
