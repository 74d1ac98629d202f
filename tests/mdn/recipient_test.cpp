// Original-Recipient / Final-Recipient values and AS2 name quoting (RFC 4130 6.2, T2).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <payload/mdn/recipient.h>

using namespace payload;
using namespace payload::mdn;

TEST_CASE("recipient fields are read with and without the address type") {
  struct Case {
    std::string value;
    std::string type;
    std::string address;
    std::string name;
  };
  const std::vector<Case> cases{
      {"rfc822; PEER_B", "rfc822", "PEER_B", "PEER_B"},
      {"RFC822;PEER_B", "rfc822", "PEER_B", "PEER_B"},
      {"  rfc822 ;   PEER_B  ", "rfc822", "PEER_B", "PEER_B"},
      {"PEER_B", "", "PEER_B", "PEER_B"},  // SEEBURGER (pyas2-lib #33)
      {"rfc822; \"AS2 Test\"", "rfc822", "\"AS2 Test\"", "AS2 Test"},
      {"\"AS2;Test\"", "", "\"AS2;Test\"", "AS2;Test"},  // a ';' inside quotes is no separator
      {"rfc822; \"say \\\"hi\\\"\"", "rfc822", "\"say \\\"hi\\\"\"", "say \"hi\""},
      {"rfc822; a@b.example", "rfc822", "a@b.example", "a@b.example"},
  };
  for (const Case& c : cases) {
    INFO(c.value);
    auto recipient = parse_recipient(c.value);
    REQUIRE(recipient);
    CHECK(recipient->address_type == c.type);
    CHECK(recipient->address == c.address);
    auto name = recipient->as2_name();
    REQUIRE(name);
    CHECK(*name == c.name);
  }
  auto written = parse_recipient("rfc822;PEER_B");
  REQUIRE(written);
  CHECK(written->to_string() == "rfc822; PEER_B");
}

TEST_CASE("broken recipient fields are refused") {
  for (const std::string value : {"", "   ", "rfc822;", "rfc822;   "}) {
    INFO(value);
    auto recipient = parse_recipient(value);
    REQUIRE_FALSE(recipient);
    CHECK(recipient.error().code() == Errc::bad_data);
  }
  auto unterminated = parse_recipient("rfc822; \"AS2 Test");
  REQUIRE(unterminated);
  CHECK_FALSE(unterminated->as2_name());
}

TEST_CASE("AS2 names are quoted only when needed") {
  auto plain = quote_as2_name("PEER_B");
  REQUIRE(plain);
  CHECK(*plain == "PEER_B");
  auto specials = quote_as2_name("a;b,c<d>@!");
  REQUIRE(specials);
  CHECK(*specials == "a;b,c<d>@!");  // all AS2 atomic characters (RFC 4130 6.2)
  auto spaced = quote_as2_name("AS2 Test");
  REQUIRE(spaced);
  CHECK(*spaced == "\"AS2 Test\"");
  auto escaped = quote_as2_name("a\"b\\c");
  REQUIRE(escaped);
  CHECK(*escaped == "\"a\\\"b\\\\c\"");
  for (const std::string& bad : {std::string(), std::string(129, 'x'), std::string("a\tb"), std::string("caf\xc3\xa9")}) {
    auto refused = quote_as2_name(bad);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == Errc::usage);
  }
  CHECK(quote_as2_name(std::string(128, 'x')));
}

TEST_CASE("names are echoed in the partner's own form") {
  auto quoted = echo_as2_name("\"AS2 Test\"");
  REQUIRE(quoted);
  CHECK(*quoted == "\"AS2 Test\"");
  // Quoted although not needed: the partner's form is kept byte for byte.
  auto needless = echo_as2_name("\"PEER_B\"");
  REQUIRE(needless);
  CHECK(*needless == "\"PEER_B\"");
  auto bare = echo_as2_name(" AS2 Test ");
  REQUIRE(bare);
  CHECK(*bare == "\"AS2 Test\"");
  for (const std::string& bad : {std::string("\"unterminated"), std::string("\"\""), std::string("a\x01"),
                                std::string("\"a\" b"), std::string()}) {
    INFO(bad);
    auto refused = echo_as2_name(bad);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == Errc::bad_data);
  }
}
