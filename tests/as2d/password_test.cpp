// as2d password hashes, checked against hashes made by the openssl command.
#include <catch2/catch.hpp>

#include <algorithm>

#include "as2d_fixture.h"
#include "password.h"

using namespace as2d;
using namespace as2d::test;

namespace {

std::string unhex_colons(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c == ':' || c == '\n' || c == '\r'; }), text.end());
  std::string bytes;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) bytes.push_back(static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16)));
  return bytes;
}

// passlib's adapted base64 of `bytes`, through `openssl base64`.
std::string ab64(const std::string& bytes) {
  auto text = openssl({"base64", "-A"}, bytes);
  while (!text.empty() && (text.back() == '\n' || text.back() == '=')) text.pop_back();
  std::replace(text.begin(), text.end(), '+', '.');
  return text;
}

}  // namespace

TEST_CASE("SHA512-crypt hashes made by openssl passwd -6") {
  auto hash = openssl({"passwd", "-6", "correct horse"});
  hash.pop_back();  // newline
  REQUIRE(check_password_hash(hash));
  CHECK(*verify_password("correct horse", hash));
  CHECK_FALSE(*verify_password("correct horsE", hash));
  CHECK_FALSE(*verify_password("", hash));
  CHECK_FALSE(*verify_password(std::string("correct horse\0x", 15), hash));
}

TEST_CASE("PBKDF2-SHA256 hashes derived by openssl kdf") {
  const std::string salt_hex = "00112233445566778899aabbccddeeff";
  const auto derived = unhex_colons(openssl({"kdf", "-keylen", "32", "-kdfopt", "digest:SHA256", "-kdfopt",
                                             "pass:correct horse", "-kdfopt", "hexsalt:" + salt_hex, "-kdfopt",
                                             "iter:12000", "PBKDF2"}));
  REQUIRE(derived.size() == 32);
  const auto hash = "$pbkdf2-sha256$12000$" + ab64(unhex_colons(salt_hex)) + "$" + ab64(derived);
  REQUIRE(check_password_hash(hash));
  CHECK(*verify_password("correct horse", hash));
  CHECK_FALSE(*verify_password("correct horse ", hash));
}

TEST_CASE("as2d --hash-password makes hashes it accepts") {
  const auto result = run_as2d({"--hash-password"}, "tr0ub4dor&3\n");
  REQUIRE(result.exit_code == 0);
  auto hash = result.out;
  hash.pop_back();
  CHECK(hash.starts_with("$pbkdf2-sha256$600000$"));
  REQUIRE(check_password_hash(hash));
  CHECK(*verify_password("tr0ub4dor&3", hash));
  CHECK_FALSE(*verify_password("tr0ub4dor&4", hash));
  // Two hashes of one password differ (random salt).
  auto again = make_pbkdf2_hash("tr0ub4dor&3", 10000);
  REQUIRE(again);
  CHECK(*again != hash);
}

TEST_CASE("passwords longer than 150 characters never match, and are not hashed") {
  const auto long_password = std::string(151, 'p');
  auto hash = make_pbkdf2_hash(std::string(150, 'p'), 10000);
  REQUIRE(hash);
  CHECK(*verify_password(std::string(150, 'p'), *hash));
  CHECK_FALSE(*verify_password(long_password, *hash));
  CHECK_FALSE(make_pbkdf2_hash(long_password));
  CHECK(run_as2d({"--hash-password"}, long_password + "\n").exit_code == 64);
}

TEST_CASE("malformed hashes are refused") {
  for (const std::string& bad : std::vector<std::string>{"", "secret", "$1$md5crypt$abc", "$6$salt$tooshort", "$pbkdf2-sha256$12000$c2FsdA$x",
                                "$pbkdf2-sha256$100$AAAAAAAAAAA$" + std::string(43, 'A'),
                                "$pbkdf2-sha256$12000$AAAAAAAAAAA$" + std::string(40, 'A')}) {
    INFO(bad);
    CHECK_FALSE(check_password_hash(bad));
    CHECK_FALSE(verify_password("x", bad));
  }
}
