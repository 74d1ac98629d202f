// AS2 header rules: names (RFC 4130 6.2), Message-ID (i05 5.3.3), Date (RFC 5322 3.3),
// AS2-Version/AS2-Product (i05 6.1, 6.2), MDN request headers (i05 8.3), the
// header-injection guard, filenames (i05 8.5.4) and the outcome table.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>

#include <payload/as2/as2_name.h>
#include <payload/as2/date.h>
#include <payload/as2/filename.h>
#include <payload/as2/header_value.h>
#include <payload/as2/headers.h>
#include <payload/as2/http_message.h>
#include <payload/as2/mdn_request.h>
#include <payload/as2/message_id.h>
#include <payload/as2/outcome.h>
#include <payload/as2/version.h>
#include <payload/mdn/recipient.h>

using namespace payload;
using namespace payload::as2;

TEST_CASE("AS2 names are quoted only when needed and unquoted on input", "[as2][headers]") {
  // Written by mdn::quote_as2_name (the MDN recipient fields quote the same way), read here.
  OutgoingHeaders headers;
  headers.to = "PEER_B";
  std::string id;
  for (const auto& [name, written] : std::vector<std::pair<std::string, std::string>>{
           {"PEER_A", "PEER_A"}, {"AS2 Test", "\"AS2 Test\""}, {"a\"b\\c", "\"a\\\"b\\\\c\""},
           {"semi;colon[]", "semi;colon[]"}}) {
    headers.from = name;
    auto fields = as2_header_fields(headers, id);
    REQUIRE(fields);
    CHECK(find_field(HttpFields(fields->begin(), fields->end()), "AS2-From") == std::optional<std::string>(written));
  }
  for (const std::string bad : {"", "tab\there", "line\r\nX-Injected: 1", "caf\xc3\xa9"}) {
    headers.from = bad;
    CHECK_FALSE(as2_header_fields(headers, id));
  }
  headers.from = std::string(129, 'x');
  CHECK_FALSE(as2_header_fields(headers, id));

  for (const std::string_view name : {"PEER_A", "AS2 Test", "a\"b\\c", " lead", "x", "!#$%&'()*+,-./:;<=>?@[]^_`{|}~",
                                      "1234567890123456789012345678901234567890123456789012345678901234"
                                      "5678901234567890123456789012345678901234567890123456789012345678"}) {
    auto written = mdn::quote_as2_name(name);
    REQUIRE(written);
    CHECK(parse_as2_name(*written) == std::string(name));
  }
  CHECK(parse_as2_name("  PEER_A \t") == std::string("PEER_A"));
  CHECK(parse_as2_name("\"PEER_A\"") == std::string("PEER_A"));  // needlessly quoted is fine
  CHECK(is_valid_as2_name(std::string(128, 'x')));
  CHECK_FALSE(is_valid_as2_name(std::string(129, 'x')));
  CHECK_FALSE(parse_as2_name(""));
  CHECK_FALSE(parse_as2_name("\"\""));
  CHECK_FALSE(parse_as2_name("\"open"));
  CHECK_FALSE(parse_as2_name("\"a\" b"));
  CHECK_FALSE(parse_as2_name("\"a\\nb\""));
  CHECK_FALSE(parse_as2_name("two words"));
  CHECK_FALSE(parse_as2_name("PEER\x01"));
  CHECK_FALSE(parse_as2_name("\"" + std::string(129, 'x') + "\""));
}

TEST_CASE("generated Message-IDs are unique, bracketed and clean", "[as2][headers]") {
  auto first = generate_message_id("as2.example.com");
  auto second = generate_message_id("as2.example.com");
  REQUIRE(first);
  REQUIRE(second);
  CHECK(*first != *second);
  CHECK(first->front() == '<');
  CHECK(first->back() == '>');
  CHECK(first->find("@as2.example.com>") != std::string::npos);
  CHECK(first->size() <= 255);
  CHECK(check_message_id(*first));
  CHECK_FALSE(generate_message_id(""));
  CHECK_FALSE(generate_message_id("bad host"));
  CHECK_FALSE(generate_message_id("host>"));
  CHECK_FALSE(generate_message_id(std::string(201, 'h')));
}

TEST_CASE("received Message-IDs: brackets and @ optional, no spaces or controls, at most 998", "[as2][headers]") {
  CHECK(check_message_id("<a@b>"));
  CHECK(check_message_id("a@b"));
  CHECK(check_message_id("no-at-sign"));
  CHECK(check_message_id("<200207310834482A70BF63@\\\"~~foo~~\\\">"));  // i05 A.1
  CHECK(check_message_id("<" + std::string(996, 'x') + ">"));
  CHECK_FALSE(check_message_id("<" + std::string(997, 'x') + ">"));
  CHECK_FALSE(check_message_id(""));
  CHECK_FALSE(check_message_id("<a b@c>"));
  CHECK_FALSE(check_message_id("<a@b>\r\nX-Injected: 1"));
  CHECK_FALSE(check_message_id("<a\x01@b>"));
  CHECK_FALSE(check_message_id("<a@b"));
  CHECK_FALSE(check_message_id("a@b>"));
  CHECK_FALSE(check_message_id("<>"));
  CHECK_FALSE(check_message_id("<a<b>"));
  CHECK(message_id_value("<a@b>") == "a@b");
  CHECK(message_id_value("a@b") == "a@b");
}

TEST_CASE("Date is RFC 5322 in UTC", "[as2][headers]") {
  using namespace std::chrono;
  const auto when = sys_days{year{2026} / November / 22} + hours{0} + minutes{23} + seconds{34};
  CHECK(format_date(when) == "Sun, 22 Nov 2026 00:23:34 +0000");
  CHECK(format_date(sys_days{year{2024} / February / 29} + hours{23} + minutes{59} + seconds{59}) ==
        "Thu, 29 Feb 2024 23:59:59 +0000");
}

TEST_CASE("AS2-Version names and parsing", "[as2][headers]") {
  CHECK(version_name(As2Version::v1_3) == "1.3");
  CHECK(parse_version(" 1.2 ") == As2Version::v1_2);
  CHECK(parse_version("1.0") == As2Version::v1_0);
  CHECK_FALSE(parse_version("2.0"));
  CHECK_FALSE(parse_version(""));
  CHECK(as2_product == "libpayload:0.1.0");
}

TEST_CASE("AS2 header fields: 1.3 sends AS2-Product, 1.2 is refused, values are guarded", "[as2][headers]") {
  OutgoingHeaders headers;
  headers.from = "Our Company";
  headers.to = "PEER_B";
  headers.subject = "Invoice 42";
  headers.date = std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365);
  std::string id;
  auto fields = as2_header_fields(headers, id);
  REQUIRE(fields);
  const HttpFields http(fields->begin(), fields->end());
  CHECK(find_field(http, "AS2-Version") == std::optional<std::string>("1.3"));
  CHECK(find_field(http, "as2-product") == std::optional<std::string>("libpayload:0.1.0"));
  CHECK(find_field(http, "AS2-From") == std::optional<std::string>("\"Our Company\""));
  CHECK(find_field(http, "AS2-To") == std::optional<std::string>("PEER_B"));
  CHECK(find_field(http, "Message-ID") == std::optional<std::string>(id));
  CHECK(find_field(http, "Date") == std::optional<std::string>("Fri, 01 Jan 1971 00:00:00 +0000"));
  CHECK(find_field(http, "Subject") == std::optional<std::string>("Invoice 42"));

  headers.version = As2Version::v1_1;
  headers.message_id = "<fixed@example>";
  fields = as2_header_fields(headers, id);
  REQUIRE(fields);
  CHECK(id == "<fixed@example>");
  CHECK_FALSE(find_field(HttpFields(fields->begin(), fields->end()), "AS2-Product"));

  headers.version = As2Version::v1_2;
  auto refused = as2_header_fields(headers, id);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::usage);

  headers.version = As2Version::v1_3;
  headers.subject = "x\r\nBcc: victim@example";
  refused = as2_header_fields(headers, id);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message().find("injection") != std::string::npos);
  headers.subject = "ok";
  headers.message_id = "<has space@example>";
  CHECK_FALSE(as2_header_fields(headers, id));
  headers.message_id = "";
  headers.to = "";
  CHECK_FALSE(as2_header_fields(headers, id));
}

TEST_CASE("the header-injection guard refuses line breaks and controls", "[as2][headers]") {
  CHECK(check_header_value("Subject", "plain text\twith tab"));
  CHECK_FALSE(check_header_value("Subject", "a\rb"));
  CHECK_FALSE(check_header_value("Subject", "a\nb"));
  CHECK_FALSE(check_header_value("Subject", std::string("a\0b", 3)));
  CHECK_FALSE(check_header_value("Subject", "a\x7f"));
  CHECK_FALSE(check_header_value("Subject", "caf\xc3\xa9"));
  CHECK_FALSE(check_header_value("Subject", std::string(999, 'x')));
}

TEST_CASE("MDN request headers: hyphenated micalgs, optional importance, URL checked", "[as2][headers]") {
  auto fields = mdn_request_fields(MdnRequest{"PEER_A", {cms::DigestAlg::sha384, cms::DigestAlg::sha256}, "https://a.example/mdn"});
  REQUIRE(fields);
  REQUIRE(fields->size() == 3);
  CHECK((*fields)[0] == mime::FieldSpec{"Disposition-Notification-To", "PEER_A"});
  CHECK((*fields)[1] == mime::FieldSpec{"Disposition-Notification-Options",
                                        "signed-receipt-protocol=optional, pkcs7-signature; "
                                        "signed-receipt-micalg=optional, sha-384, sha-256"});
  CHECK((*fields)[2] == mime::FieldSpec{"Receipt-Delivery-Option", "https://a.example/mdn"});

  fields = mdn_request_fields(MdnRequest{"PEER_A", {}, ""});
  REQUIRE(fields);
  CHECK(fields->size() == 1);  // unsigned, synchronous
  CHECK_FALSE(mdn_request_fields(MdnRequest{"", {}, ""}));
  CHECK_FALSE(mdn_request_fields(MdnRequest{"PEER_A", {cms::DigestAlg::sha1}, ""}));
  CHECK_FALSE(mdn_request_fields(MdnRequest{"PEER_A", {}, "not a url"}));
  CHECK_FALSE(mdn_request_fields(MdnRequest{"PEER_A", {}, "https://a.example/\r\nX: y"}));
  CHECK_FALSE(mdn_request_fields(MdnRequest{"PEER_A\nX: y", {}, ""}));
}

TEST_CASE("filenames: no directories, controls, leading dots or broken UTF-8", "[as2][headers]") {
  CHECK(check_filename("invoice.x12"));
  CHECK(check_filename("Rechnung M\xc3\xa4rz 2026.csv"));
  CHECK(check_filename(std::string(255, 'f')));
  for (const std::string& bad : {std::string("../etc/passwd"), std::string("a/b"), std::string("a\\b"),
                                std::string(".hidden"), std::string(".."), std::string(""), std::string(256, 'f'),
                                std::string("a\x01" "b"), std::string("a\x7f"), std::string("bad\xff"),
                                std::string("over\xc0\xaf" "long"), std::string("cut\xe2\x82"),
                                std::string("x\r\nContent-Type: text/html")}) {
    INFO(bad);
    CHECK_FALSE(check_filename(bad));
  }
}

TEST_CASE("outcomes map one-to-one onto AS2 disposition modifiers", "[as2][outcome]") {
  const Outcome all[] = {Outcome::processed,
                         Outcome::authentication_failed,
                         Outcome::decryption_failed,
                         Outcome::decompression_failed,
                         Outcome::insufficient_message_security,
                         Outcome::integrity_check_failed,
                         Outcome::unexpected_processing_error,
                         Outcome::invalid_message_id,
                         Outcome::illegal_filename,
                         Outcome::unknown_trading_relationship};
  std::set<std::string_view> modifiers, names;
  for (const Outcome outcome : all) {
    modifiers.insert(disposition_modifier(outcome));
    names.insert(outcome_name(outcome));
  }
  CHECK(modifiers.size() == std::size(all));
  CHECK(names.size() == std::size(all));
  CHECK(disposition_modifier(Outcome::processed).empty());
  CHECK(disposition_modifier(Outcome::decryption_failed) == "decryption-failed");
  CHECK(disposition_modifier(Outcome::insufficient_message_security) == "insufficient-message-security");
  CHECK(disposition_modifier(Outcome::unknown_trading_relationship) == "unknown-trading-relationship");
}

TEST_CASE("the wire form splits into headers and body and back", "[as2][headers]") {
  auto message = parse_http_message("AS2-From: A\r\nSubject: folded\r\n  line\r\n\r\nbody\r\n\r\nmore");
  REQUIRE(message);
  REQUIRE(message->headers.size() == 2);
  CHECK(message->headers[1].second == "folded  line");  // unfolded (RFC 5322 2.2.3)
  CHECK(message->body == "body\r\n\r\nmore");
  auto lf = parse_http_message("AS2-From: A\n\nbody");
  REQUIRE(lf);
  CHECK(lf->body == "body");
  CHECK_FALSE(parse_http_message("AS2-From: A\r\nno end of headers"));
  HttpMessage built{{{"A", "1"}, {"B", "2"}}, "xyz"};
  CHECK(built.wire() == "A: 1\r\nB: 2\r\n\r\nxyz");
}
