// Builder: header folding at 76 columns, quoting, transfer encodings, refusals.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <payload/mime/base64.h>
#include <payload/mime/builder.h>
#include <payload/mime/content_type.h>
#include <payload/mime/entity.h>
#include <payload/mime/header.h>
#include <payload/mime/multipart.h>

#include "support/temp_dir.h"

using namespace payload;
using namespace payload::mime;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t crlf = text.find("\r\n", begin);
    REQUIRE(crlf != std::string::npos);  // every line ends in CRLF
    lines.push_back(text.substr(begin, crlf - begin));
    begin = crlf + 2;
  }
  return lines;
}

}  // namespace

TEST_CASE("short fields are one line") {
  CHECK(format_field("AS2-From", "PEER_A") == std::string("AS2-From: PEER_A\r\n"));
  CHECK(format_field("X-Empty", "") == std::string("X-Empty: \r\n"));
}

TEST_CASE("long fields fold before whitespace, within 76 columns, and unfold back") {
  ContentType type{"multipart", "signed", {}};
  type.parameters.set("protocol", "application/pkcs7-signature");
  type.parameters.set("micalg", "sha-256");
  type.parameters.set("boundary", "=_payload_0123456789abcdef0123456789abcdef");
  const std::string value = type.to_string();
  auto field = format_field("Content-Type", value);
  REQUIRE(field);
  const std::vector<std::string> lines = lines_of(*field);
  REQUIRE(lines.size() >= 2);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(lines[i].size() <= 76);
    CHECK_FALSE(lines[i].empty());
    if (i > 0) CHECK((lines[i][0] == ' ' || lines[i][0] == '\t'));
    CHECK(lines[i].back() != ' ');
  }
  CHECK(lines[0].rfind("Content-Type: multipart/signed;", 0) == 0);
  // The parser reads the folded field back to the same value and parameters.
  auto block = parse_header_block(*field + "\r\n");
  REQUIRE(block);
  REQUIRE(block->headers.size() == 1);
  CHECK(block->headers.fields()[0].value == value);
  auto reparsed = parse_content_type(block->headers.fields()[0].value);
  REQUIRE(reparsed);
  CHECK(reparsed->parameter("boundary") == std::optional<std::string_view>("=_payload_0123456789abcdef0123456789abcdef"));
}

TEST_CASE("folding prefers whitespace outside quoted-strings") {
  // Inside the quotes there are spaces early enough to fold at; outside only later.
  const std::string value = "attachment; filename=\"a b c d e f g h i j k l m n o p q r s t u v w x y z.txt\"; size=1";
  auto field = format_field("Content-Disposition", value);
  REQUIRE(field);
  // The first fold could have gone at any space inside the quotes up to column 76.
  CHECK(*field == "Content-Disposition: attachment;\r\n filename=\"a b c d e f g h i j k l m n o p q r s t u v w x y z.txt\"; size=1\r\n");
}

TEST_CASE("a value without whitespace cannot fold and stays on one line") {
  const std::string token(100, 'x');
  auto field = format_field("X-Long", token);
  REQUIRE(field);
  CHECK(*field == "X-Long: " + token + "\r\n");
  auto never = format_field("Disposition-Notification-Options",
                            "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha-384",
                            Folding::never);
  REQUIRE(never);
  CHECK(never->find("\r\n") == never->size() - 2);
}

TEST_CASE("fields that cannot be written are refused") {
  auto injected = format_field("Subject", "hi\r\nBcc: victim");
  REQUIRE_FALSE(injected);
  CHECK(injected.error().code() == Errc::usage);
  CHECK_FALSE(format_field("Bad Name", "x"));
  CHECK_FALSE(format_field("", "x"));
  CHECK_FALSE(format_field("Colon:", "x"));
  auto too_long = format_field("X-Long", std::string(1000, 'x'));
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().code() == Errc::usage);
}

TEST_CASE("build_entity with base64 writes 76-character CRLF lines that decode back") {
  const std::string payload = payload::test::pseudo_random_bytes(500, 3);
  const std::vector<FieldSpec> fields = {{"Content-Type", "application/octet-stream"},
                                         {"Content-Disposition", "attachment; filename=\"data.bin\""}};
  auto built = build_entity(fields, payload, TransferEncoding::base64);
  REQUIRE(built);
  auto entity = parse_entity(*built);
  REQUIRE(entity);
  CHECK(entity->headers().value("Content-Transfer-Encoding") == std::optional<std::string_view>("base64"));
  CHECK(entity->header_bytes() ==
        "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\n"
        "Content-Transfer-Encoding: base64\r\n");
  const std::vector<std::string> lines = lines_of(std::string(entity->body()));
  REQUIRE(lines.size() == (500 + 2) / 3 * 4 / 76 + 1);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) CHECK(lines[i].size() == 76);
  CHECK(entity->body() == base64_encode(payload) + "\r\n");
  CHECK(entity->decoded_body() == payload);
}

TEST_CASE("build_entity binary, 7bit, 8bit and no CTE copy the body unchanged") {
  const std::vector<FieldSpec> fields = {{"Content-Type", "application/edi-x12"}};
  const std::string body = "ISA*00*\nbare LF stays\r\n";
  auto none = build_entity(fields, body, std::nullopt);
  REQUIRE(none);
  CHECK(*none == "Content-Type: application/edi-x12\r\n\r\n" + body);
  auto binary = build_entity(fields, std::string("\0\xff", 2), TransferEncoding::binary);
  REQUIRE(binary);
  CHECK(*binary == "Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\n\r\n" + std::string("\0\xff", 2));
  CHECK(build_entity(fields, body, TransferEncoding::seven_bit));
  CHECK(build_entity(fields, "caf\xC3\xA9", TransferEncoding::eight_bit));

  auto not_7bit = build_entity(fields, "caf\xC3\xA9", TransferEncoding::seven_bit);
  REQUIRE_FALSE(not_7bit);
  CHECK(not_7bit.error().code() == Errc::usage);
  CHECK_FALSE(build_entity(fields, std::string("a\0b", 3), TransferEncoding::eight_bit));
  auto qp = build_entity(fields, body, TransferEncoding::quoted_printable);
  REQUIRE_FALSE(qp);
  CHECK(qp.error().code() == Errc::unsupported);
  const std::vector<FieldSpec> with_cte = {{"content-transfer-encoding", "binary"}};
  auto twice = build_entity(with_cte, body, TransferEncoding::base64);
  REQUIRE_FALSE(twice);
  CHECK(twice.error().code() == Errc::usage);
}

TEST_CASE("a multipart/signed shell built from parts parses back to the same parts") {
  const std::vector<FieldSpec> payload_fields = {{"Content-Type", "application/edi-x12"},
                                                 {"Content-Transfer-Encoding", "binary"}};
  auto first = build_entity(payload_fields, "ISA*00~\r\n", std::nullopt);
  REQUIRE(first);
  const std::vector<FieldSpec> signature_fields = {{"Content-Type", "application/pkcs7-signature; name=smime.p7s"}};
  auto second = build_entity(signature_fields, std::string("\x30\x03\x02\x01\x01", 5), TransferEncoding::base64);
  REQUIRE(second);
  const std::vector<std::string_view> parts = {*first, *second};
  auto body = build_multipart_body(parts);
  REQUIRE(body);
  ContentType type{"multipart", "signed", {}};
  type.parameters.set("protocol", "application/pkcs7-signature");
  type.parameters.set("micalg", "sha-256");
  type.parameters.set("boundary", body->boundary);
  const std::vector<FieldSpec> outer_fields = {{"Content-Type", type.to_string()}, {"MIME-Version", "1.0"}};
  auto whole = build_entity(outer_fields, body->body, std::nullopt);
  REQUIRE(whole);
  auto entity = parse_entity(*whole);
  REQUIRE(entity);
  auto split = split_multipart(*entity);
  REQUIRE(split);
  REQUIRE(split->size() == 2);
  CHECK((*split)[0].raw() == *first);
  CHECK((*split)[1].raw() == *second);
  CHECK((*split)[1].decoded_body() == std::string("\x30\x03\x02\x01\x01", 5));
}
