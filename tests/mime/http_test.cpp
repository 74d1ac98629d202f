// Re-creating the AS2 entity from HTTP headers and body.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include <payload/mime/http.h>
#include <payload/mime/limits.h>
#include <payload/mime/multipart.h>

using namespace payload;
using namespace payload::mime;

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("only MIME fields go into the entity and the body is kept byte for byte") {
  const Pairs headers = {
      {"Host", "as2.example"},
      {"content-type", "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"x\""},
      {"Content-Length", "999"},
      {"AS2-From", "PEER A"},
      {"MIME-Version", "1.0"},
      {"Content-Disposition", "attachment; filename=\"a.x12\""},
      {"Transfer-Encoding", "chunked"},
  };
  const std::string body = "--x\r\nContent-Type: text/plain\r\n\r\nhello\nworld\r\n--x\r\n\r\nsig\r\n--x--\r\n";
  auto entity = entity_from_http(headers, body);
  REQUIRE(entity);
  CHECK(entity->body() == body);
  CHECK(entity->header_bytes() ==
        "content-type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"x\"\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Disposition: attachment; filename=\"a.x12\"\r\n");
  CHECK_FALSE(entity->headers().find("Content-Length"));
  CHECK_FALSE(entity->headers().find("AS2-From"));
  auto parts = split_multipart(*entity);
  REQUIRE(parts);
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].raw() == "Content-Type: text/plain\r\n\r\nhello\nworld");

  CHECK(is_mime_field("CONTENT-TRANSFER-ENCODING"));
  CHECK(is_mime_field("mime-version"));
  CHECK_FALSE(is_mime_field("content-length"));
  CHECK_FALSE(is_mime_field("Disposition-Notification-To"));
}

TEST_CASE("an HTTP message with no MIME fields is a text/plain entity of its body") {
  auto entity = entity_from_http(Pairs{{"AS2-To", "B"}}, "raw body");
  REQUIRE(entity);
  CHECK(entity->headers().empty());
  CHECK(entity->raw() == "\r\nraw body");
  CHECK(entity->body() == "raw body");
}

TEST_CASE("impossible HTTP headers are bad_data") {
  auto injected = entity_from_http(Pairs{{"Content-Type", "text/plain\r\nX: y"}}, "");
  REQUIRE_FALSE(injected);
  CHECK(injected.error().code() == Errc::bad_data);
  CHECK_FALSE(entity_from_http(Pairs{{"Content-Bad Name", "text/plain"}}, ""));

  Pairs many;
  for (std::size_t i = 0; i <= max_header_fields; ++i) many.emplace_back("Content-X", "1");
  auto too_many = entity_from_http(many, "");
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code() == Errc::bad_data);

  Pairs big;
  for (int i = 0; i < 100; ++i) big.emplace_back("Content-X", std::string(900, 'v'));
  auto too_big = entity_from_http(big, "");
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().code() == Errc::bad_data);
}
