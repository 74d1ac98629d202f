// Entity: exact bytes of header block and body, Content-Type and transfer decoding.
#include <catch2/catch.hpp>

#include <string>

#include <payload/mime/entity.h>

using namespace payload;
using namespace payload::mime;

TEST_CASE("an entity hands out its exact bytes") {
  const std::string text =
      "Content-Type: application/EDI-X12;\r\n"
      " name=\"invoice.x12\"\r\n"
      "Content-Transfer-Encoding: Binary\r\n"
      "\r\n"
      "ISA*00*~\r\nIEA*1~\r\n";
  auto entity = parse_entity(text);
  REQUIRE(entity);
  CHECK(entity->raw() == text);
  CHECK(entity->header_bytes() == text.substr(0, text.find("\r\n\r\n") + 2));
  CHECK(entity->body() == "ISA*00*~\r\nIEA*1~\r\n");
  CHECK(entity->offset() == 0);
  CHECK(entity->body_offset() == text.find("ISA"));
  CHECK(entity->depth() == 0);
  REQUIRE(entity->headers().size() == 2);
  CHECK(entity->headers().fields()[0].raw_value == " application/EDI-X12;\r\n name=\"invoice.x12\"");
  auto type = entity->content_type();
  REQUIRE(type);
  CHECK(type->media_type() == "application/edi-x12");
  CHECK(type->parameter("name") == std::optional<std::string_view>("invoice.x12"));
  CHECK(entity->transfer_encoding() == TransferEncoding::binary);
  auto decoded = entity->decoded_body();
  REQUIRE(decoded);
  CHECK(*decoded == entity->body());
}

TEST_CASE("entity defaults: text/plain us-ascii and 7bit when the fields are absent") {
  auto entity = parse_entity("\r\nhello");
  REQUIRE(entity);
  CHECK(entity->headers().empty());
  CHECK(entity->header_bytes().empty());
  CHECK(entity->body() == "hello");
  auto type = entity->content_type();
  REQUIRE(type);
  CHECK(type->media_type() == "text/plain");
  CHECK(type->parameter("charset") == std::optional<std::string_view>("us-ascii"));
  CHECK(entity->transfer_encoding() == TransferEncoding::seven_bit);

  auto no_body = parse_entity("Content-Type: text/plain\r\n");
  REQUIRE(no_body);
  CHECK(no_body->body().empty());
  CHECK(no_body->header_bytes() == "Content-Type: text/plain\r\n");

  auto empty = parse_entity("");
  REQUIRE(empty);
  CHECK(empty->raw().empty());
}

TEST_CASE("a bare-LF entity keeps its LF bytes") {
  const std::string text = "Content-Type: text/plain\nContent-Transfer-Encoding: 7bit\n\nline\n";
  auto entity = parse_entity(text);
  REQUIRE(entity);
  CHECK(entity->raw() == text);
  CHECK(entity->header_bytes() == "Content-Type: text/plain\nContent-Transfer-Encoding: 7bit\n");
  CHECK(entity->body() == "line\n");
}

TEST_CASE("entity transfer decoding: base64, quoted-printable, unknown, invalid") {
  auto b64 = parse_entity("Content-Transfer-Encoding: BASE64 \r\n\r\nZm9v\r\nYmFy\r\n");
  REQUIRE(b64);
  CHECK(b64->transfer_encoding() == TransferEncoding::base64);
  CHECK(b64->decoded_body() == std::string("foobar"));

  auto qp = parse_entity("Content-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\nc\r\n");
  REQUIRE(qp);
  CHECK(qp->decoded_body() == std::string("a=bc\r\n"));

  auto unknown = parse_entity("Content-Transfer-Encoding: x-uuencode\r\n\r\nbody");
  REQUIRE(unknown);
  REQUIRE_FALSE(unknown->decoded_body());
  CHECK(unknown->decoded_body().error().code() == Errc::unsupported);

  auto broken = parse_entity("Content-Transfer-Encoding: base64\r\n\r\nnot base64!");
  REQUIRE(broken);
  REQUIRE_FALSE(broken->decoded_body());
  CHECK(broken->decoded_body().error().code() == Errc::bad_data);

  auto bad_type = parse_entity("Content-Type: text\r\n\r\n");
  REQUIRE(bad_type);
  REQUIRE_FALSE(bad_type->content_type());
  CHECK(bad_type->content_type().error().code() == Errc::bad_data);
}

TEST_CASE("an entity over part of a shared buffer views only its range") {
  auto buffer = std::make_shared<const std::string>("junkA: 1\r\n\r\nbodyjunk");
  auto entity = Entity::parse(buffer, 4, 12, 3);
  REQUIRE(entity);
  CHECK(entity->raw() == "A: 1\r\n\r\nbody");
  CHECK(entity->body() == "body");
  CHECK(entity->offset() == 4);
  CHECK(entity->body_offset() == 12);
  CHECK(entity->depth() == 3);
  CHECK(entity->buffer() == buffer);
}

TEST_CASE("a malformed header block makes the entity bad_data") {
  auto entity = parse_entity("this is not a header\r\n\r\nbody");
  REQUIRE_FALSE(entity);
  CHECK(entity.error().code() == Errc::bad_data);
}
