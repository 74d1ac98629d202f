// Content-Type, Content-Disposition and their parameters: quoting, RFC 2231, tolerance.
#include <catch2/catch.hpp>

#include <payload/mime/content_disposition.h>
#include <payload/mime/content_type.h>
#include <payload/mime/params.h>

using namespace payload;
using namespace payload::mime;

TEST_CASE("Content-Type: lowercased type, case-insensitive parameter names, unquoted values") {
  // The header pyas2-lib 1.4.4 sends (interop/as2/messages/signed-only-sha256.as2).
  auto type = parse_content_type(
      "Multipart/Signed; protocol=\"application/pkcs7-signature\"; MICALG=\"sha256\"; "
      "boundary=\"===============8207269709869792688==\"");
  REQUIRE(type);
  CHECK(type->type == "multipart");
  CHECK(type->subtype == "signed");
  CHECK(type->media_type() == "multipart/signed");
  CHECK(type->is("MULTIPART/SIGNED"));
  CHECK(type->is_multipart());
  CHECK(type->parameter("protocol") == std::optional<std::string_view>("application/pkcs7-signature"));
  CHECK(type->parameter("micalg") == std::optional<std::string_view>("sha256"));
  CHECK(type->parameter("Boundary") == std::optional<std::string_view>("===============8207269709869792688=="));
  REQUIRE(type->parameters.size() == 3);
  CHECK(type->parameters.items()[1].name == "micalg");
}

TEST_CASE("quoted values may hold semicolons, equals signs, spaces and escaped quotes") {
  auto type = parse_content_type(R"(application/edi-x12; name="a;b=c \"d\" e\\f"; charset=us-ascii)");
  REQUIRE(type);
  CHECK(type->parameter("name") == std::optional<std::string_view>(R"(a;b=c "d" e\f)"));
  CHECK(type->parameter("charset") == std::optional<std::string_view>("us-ascii"));
}

TEST_CASE("tolerated: comments, spaces around the equals sign, a trailing semicolon, unquoted tspecials") {
  // RFC 2045 5.1's own example has a comment after the value.
  auto type = parse_content_type("text/plain; charset=us-ascii (Plain text)");
  REQUIRE(type);
  CHECK(type->parameter("charset") == std::optional<std::string_view>("us-ascii"));

  auto spaced = parse_content_type(" text / plain ; charset = \"utf-8\" ; ");
  REQUIRE(spaced);
  CHECK(spaced->media_type() == "text/plain");
  CHECK(spaced->parameter("charset") == std::optional<std::string_view>("utf-8"));

  // JavaMail-style boundary sent unquoted by some partners.
  auto unquoted = parse_content_type("multipart/related; boundary=----=_Part_0_1.2; type=application/edi-x12");
  REQUIRE(unquoted);
  CHECK(unquoted->parameter("boundary") == std::optional<std::string_view>("----=_Part_0_1.2"));
  CHECK(unquoted->parameter("type") == std::optional<std::string_view>("application/edi-x12"));

  auto empty_quoted = parse_content_type("text/plain; name=\"\"");
  REQUIRE(empty_quoted);
  CHECK(empty_quoted->parameter("name") == std::optional<std::string_view>(""));
}

TEST_CASE("malformed Content-Type values are bad_data") {
  const char* cases[] = {
      "",
      "text",
      "text/",
      "/plain",
      "text/plain; name=\"unterminated",
      "text/plain; charset",
      "text/plain; charset=",
      "text/plain; a=1; A=2",  // duplicate names would let parsers disagree
      "text/plain; name=two words",
      "text/plain garbage",
      "text/plain; (unterminated comment",
  };
  for (const char* text : cases) {
    INFO(text);
    auto type = parse_content_type(text);
    REQUIRE_FALSE(type);
    CHECK(type.error().code() == payload::Errc::bad_data);
  }
}

TEST_CASE("RFC 2231: charset, language, percent-decoding and continuations") {
  // RFC 2231 section 4 and 4.1 examples.
  auto single = parse_parameters("; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  REQUIRE(single);
  const Parameter* title = single->find("title");
  REQUIRE(title != nullptr);
  CHECK(title->value == "This is ***fun***");
  CHECK(title->charset == "us-ascii");
  CHECK(title->language == "en-us");

  auto continued = parse_parameters(
      "; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"");
  REQUIRE(continued);
  CHECK(continued->get("title") == std::optional<std::string_view>("This is even more ***fun*** isn't it!"));
  CHECK(continued->find("title")->language == "en");

  // Out-of-order pieces are sorted; the RFC 2231 form wins over a plain fallback.
  auto mixed = parse_parameters("; filename=\"fallback.txt\"; filename*1=\"b.txt\"; filename*0=\"a\"");
  REQUIRE(mixed);
  CHECK(mixed->get("filename") == std::optional<std::string_view>("ab.txt"));
  REQUIRE(mixed->size() == 1);

  auto utf8 = parse_parameters("; filename*=UTF-8''%E2%82%AC%20rates.csv");
  REQUIRE(utf8);
  CHECK(utf8->get("filename") == std::optional<std::string_view>("\xE2\x82\xAC rates.csv"));
  CHECK(utf8->find("filename")->charset == "utf-8");

  for (const char* bad : {"; a*0=x; a*2=y", "; a*=no-quotes", "; a*=utf-8''%G1", "; a*1=x", "; a*=x''y; a*=x''z",
                          "; a*0=x; a*0=y", "; a*x=1"}) {
    INFO(bad);
    auto parsed = parse_parameters(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code() == payload::Errc::bad_data);
  }
}

TEST_CASE("parameters are quoted on output only when they need it") {
  CHECK(format_parameter("micalg", "sha-256") == "micalg=sha-256");
  CHECK(format_parameter("boundary", "=_payload_1") == "boundary=\"=_payload_1\"");
  CHECK(format_parameter("protocol", "application/pkcs7-signature") == "protocol=\"application/pkcs7-signature\"");
  CHECK(format_parameter("filename", "my file.txt") == "filename=\"my file.txt\"");
  CHECK(format_parameter("name", "") == "name=\"\"");
  CHECK(format_parameter("name", R"(a"b\c)") == R"(name="a\"b\\c")");
  CHECK(format_parameter("filename", "\xE2\x82\xAC 1.csv") == "filename*=utf-8''%E2%82%AC%201.csv");
  CHECK(is_token("sha-256"));
  CHECK_FALSE(is_token("a b"));
  CHECK_FALSE(is_token(""));
}

TEST_CASE("Content-Type round trip through to_string and parse") {
  ContentType type{"multipart", "signed", {}};
  type.parameters.set("Protocol", "application/pkcs7-signature");
  type.parameters.set("micalg", "sha-256");
  type.parameters.set("boundary", "=_a \"b\"; c");
  type.parameters.set("filename", "\xC3\xA9t\xC3\xA9.x12");
  const std::string text = type.to_string();
  CHECK(text ==
        "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"=_a \\\"b\\\"; c\"; "
        "filename*=utf-8''%C3%A9t%C3%A9.x12");
  auto parsed = parse_content_type(text);
  REQUIRE(parsed);
  CHECK(parsed->parameter("boundary") == std::optional<std::string_view>("=_a \"b\"; c"));
  CHECK(parsed->parameter("filename") == std::optional<std::string_view>("\xC3\xA9t\xC3\xA9.x12"));
  CHECK(default_content_type().to_string() == "text/plain; charset=us-ascii");
}

TEST_CASE("Content-Disposition gives the AS2 filename") {
  auto disposition = parse_content_disposition("Attachment; filename=\"invoice.x12\"");
  REQUIRE(disposition);
  CHECK(disposition->type == "attachment");
  CHECK(disposition->filename() == std::optional<std::string_view>("invoice.x12"));
  // libas2 writes it unquoted.
  auto bare = parse_content_disposition("attachment; filename=smime.p7m");
  REQUIRE(bare);
  CHECK(bare->filename() == std::optional<std::string_view>("smime.p7m"));
  CHECK(bare->to_string() == "attachment; filename=smime.p7m");
  auto none = parse_content_disposition("inline");
  REQUIRE(none);
  CHECK_FALSE(none->filename());
  REQUIRE_FALSE(parse_content_disposition("; filename=x"));
}
