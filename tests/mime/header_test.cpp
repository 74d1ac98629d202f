// Header blocks: folding kept in raw values, unfolding, case-insensitive names, limits.
#include <catch2/catch.hpp>

#include <string>

#include <payload/mime/header.h>
#include <payload/mime/limits.h>

using namespace payload;
using namespace payload::mime;

TEST_CASE("a folded field keeps its raw bytes and unfolds for lookup") {
  const std::string block =
      "Content-Type: multipart/signed;\r\n"
      "\tprotocol=\"application/pkcs7-signature\";\r\n"
      "  micalg=sha-256\r\n"
      "Subject:  hello world  \r\n"
      "\r\n"
      "body";
  auto parsed = parse_header_block(block);
  REQUIRE(parsed);
  CHECK(parsed->terminated);
  CHECK(parsed->fields_size == block.find("\r\n\r\n") + 2);
  CHECK(parsed->size == block.find("body"));
  REQUIRE(parsed->headers.size() == 2);
  const HeaderField& type = parsed->headers.fields()[0];
  CHECK(type.name == "Content-Type");
  CHECK(type.raw_value == " multipart/signed;\r\n\tprotocol=\"application/pkcs7-signature\";\r\n  micalg=sha-256");
  // RFC 5322 2.2.3: only the CRLF goes; the WSP that followed it stays.
  CHECK(type.value == "multipart/signed;\tprotocol=\"application/pkcs7-signature\";  micalg=sha-256");
  CHECK(parsed->headers.fields()[1].value == "hello world");
  CHECK(parsed->headers.fields()[1].raw_value == "  hello world  ");
}

TEST_CASE("unfold removes CRLF and bare LF folds only") {
  CHECK(unfold(" a\r\n b") == "a b");
  CHECK(unfold("a\n\tb") == "a\tb");
  CHECK(unfold("a\r\n\r\n b") == "a\r\n b");  // the first CRLF is not followed by WSP
  CHECK(unfold("  \t ") == "");
}

TEST_CASE("header names match case-insensitively and keep their spelling") {
  auto parsed = parse_header_block("content-type: text/plain\r\nReceived-content-MIC: abc, sha256\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
  REQUIRE(parsed);
  const Headers& headers = parsed->headers;
  REQUIRE(headers.find("Content-Type") != nullptr);
  CHECK(headers.find("CONTENT-TYPE")->name == "content-type");
  CHECK(headers.value("received-content-mic") == std::optional<std::string_view>("abc, sha256"));
  CHECK_FALSE(headers.value("Content-Transfer-Encoding"));
  const auto all = headers.find_all("X-A");
  REQUIRE(all.size() == 2);
  CHECK(all[0]->value == "1");
  CHECK(all[1]->value == "2");
  CHECK(headers.value("x-A") == std::optional<std::string_view>("1"));
}

TEST_CASE("bare LF line ends and obsolete space before the colon are read") {
  auto parsed = parse_header_block("A: 1\nB : 2\n  continued\n\nbody\n");
  REQUIRE(parsed);
  REQUIRE(parsed->headers.size() == 2);
  CHECK(parsed->headers.fields()[1].name == "B");
  CHECK(parsed->headers.fields()[1].value == "2  continued");
  CHECK(parsed->size == 24);
}

TEST_CASE("a block that ends without a blank line is all headers") {
  auto parsed = parse_header_block("A: 1\r\nB: 2");
  REQUIRE(parsed);
  CHECK_FALSE(parsed->terminated);
  CHECK(parsed->headers.size() == 2);
  CHECK(parsed->size == 10);

  auto empty = parse_header_block("\r\nbody");
  REQUIRE(empty);
  CHECK(empty->terminated);
  CHECK(empty->headers.empty());
  CHECK(empty->fields_size == 0);
  CHECK(empty->size == 2);
}

TEST_CASE("malformed header blocks are bad_data") {
  const char* cases[] = {
      " folded: first\r\n\r\n",          // continuation before any field
      "no colon here\r\n\r\n",           // not a field
      ": empty name\r\n\r\n",            // empty name
      "Bad\x01Name: x\r\n\r\n",          // control character in the name
      "A: 1\r\nbody without blank line", // body text where a field belongs
  };
  for (const char* text : cases) {
    auto parsed = parse_header_block(text);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code() == Errc::bad_data);
    CHECK_FALSE(parsed.error().message().empty());
  }
}

TEST_CASE("absurd header blocks are refused, limits themselves are fine") {
  SECTION("more than max_header_fields fields") {
    std::string block;
    for (std::size_t i = 0; i < max_header_fields; ++i) block += "X: y\r\n";
    auto at_limit = parse_header_block(block + "\r\n");
    REQUIRE(at_limit);
    CHECK(at_limit->headers.size() == max_header_fields);
    auto over = parse_header_block(block + "X: y\r\n\r\n");
    REQUIRE_FALSE(over);
    CHECK(over.error().code() == Errc::bad_data);
    CHECK(over.error().message().find("1000") != std::string::npos);
  }
  SECTION("more than max_header_block_bytes bytes") {
    const std::string value(max_header_block_bytes - 5, 'v');  // "X: " + value + CRLF = limit exactly
    auto at_limit = parse_header_block("X: " + value + "\r\n\r\nbody");
    REQUIRE(at_limit);
    CHECK(at_limit->fields_size == max_header_block_bytes);
    auto over = parse_header_block("X: " + value + "v\r\n\r\nbody");
    REQUIRE_FALSE(over);
    CHECK(over.error().code() == Errc::bad_data);
  }
  SECTION("a huge input without any line end stops at the limit") {
    const std::string huge(8 * max_header_block_bytes, 'x');
    auto parsed = parse_header_block(huge);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code() == Errc::bad_data);
  }
}
