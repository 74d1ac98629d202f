// MIC values: digests checked against `openssl dgst`, the Received-Content-MIC syntax in
// both spellings, tolerant reading of what partners send, refusal of hostile values.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <payload/mdn/mic.h>
#include <payload/mime/base64.h>

#include "mdn_fixture.h"
#include "support/temp_dir.h"

using namespace payload;
using namespace payload::mdn;
using cms::DigestAlg;

namespace {

const std::vector<DigestAlg> kAll{DigestAlg::md5, DigestAlg::sha1, DigestAlg::sha224,
                                  DigestAlg::sha256, DigestAlg::sha384, DigestAlg::sha512};

Mic mic_of(std::string_view base64, DigestAlg alg) {
  auto digest = mime::base64_decode(base64);
  REQUIRE(digest);
  return Mic{alg, *digest};
}

// SHA-256 of "abc" (FIPS 180-2 B.1).
constexpr std::string_view kAbc256 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
// SHA-512 of "abc" (FIPS 180-2 C.1): 88 base64 characters, longer than one 76-column line.
constexpr std::string_view kAbc512 =
    "3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==";

}  // namespace

TEST_CASE("micalg names are hyphenated by default and RFC 3851 style on the legacy switch") {
  const std::vector<std::pair<std::string, std::string>> expected{
      {"md5", "md5"}, {"sha-1", "sha1"}, {"sha-224", "sha224"}, {"sha-256", "sha256"}, {"sha-384", "sha384"}, {"sha-512", "sha512"}};
  for (std::size_t i = 0; i < kAll.size(); ++i) {
    CHECK(micalg_name(kAll[i]) == expected[i].first);
    CHECK(micalg_name(kAll[i], MicalgSpelling::rfc3851) == expected[i].second);
    // Every name we write reads back as the same algorithm.
    CHECK(cms::parse_micalg(micalg_name(kAll[i])) == kAll[i]);
    CHECK(cms::parse_micalg(micalg_name(kAll[i], MicalgSpelling::rfc3851)) == kAll[i]);
  }
}

TEST_CASE("compute_mic equals openssl dgst for every algorithm") {
  payload::test::TempDir dir;
  const std::string data = "ISA*00*          *00*\nLF only line\r\nCRLF line\r\n" + payload::test::pseudo_random_bytes(70000, 7);
  payload::test::write_file(dir / "data", data);
  const std::vector<std::string> names{"md5", "sha1", "sha224", "sha256", "sha384", "sha512"};
  for (std::size_t i = 0; i < kAll.size(); ++i) {
    INFO(names[i]);
    const auto expected = payload::test::openssl({"dgst", "-" + names[i], "-binary", (dir / "data").string()});
    REQUIRE(expected.exit_code == 0);
    auto mic = compute_mic(data, kAll[i]);
    REQUIRE(mic);
    CHECK(mic->algorithm == kAll[i]);
    CHECK(mic->digest == expected.out);
    CHECK(mic->digest.size() == cms::digest_size(kAll[i]));
  }
}

TEST_CASE("MicHasher in chunks gives the one-shot MIC and refuses use after finish") {
  const std::string data = payload::test::pseudo_random_bytes(100000, 3);
  auto whole = compute_mic(data, DigestAlg::sha384);
  REQUIRE(whole);
  auto hasher = MicHasher::start(DigestAlg::sha384);
  REQUIRE(hasher);
  for (std::size_t pos = 0; pos < data.size(); pos += 4093) {
    REQUIRE(hasher->update(std::string_view(data).substr(pos, 4093)));
  }
  auto pieces = hasher->finish();
  REQUIRE(pieces);
  CHECK(*pieces == *whole);
  auto again = hasher->finish();
  REQUIRE_FALSE(again);
  CHECK(again.error().code() == Errc::usage);
  auto late = hasher->update("x");
  REQUIRE_FALSE(late);
  CHECK(late.error().code() == Errc::usage);
}

TEST_CASE("a MIC is written as base64, comma, space, algorithm") {
  auto mic = compute_mic("abc", DigestAlg::sha256);
  REQUIRE(mic);
  CHECK(mic->base64() == kAbc256);
  CHECK(mic->to_string() == std::string(kAbc256) + ", sha-256");
  CHECK(mic->to_string(MicalgSpelling::rfc3851) == std::string(kAbc256) + ", sha256");
  auto long_mic = compute_mic("abc", DigestAlg::sha512);
  REQUIRE(long_mic);
  // One line however long: a Received-Content-MIC is never wrapped by us.
  CHECK(long_mic->to_string() == std::string(kAbc512) + ", sha-512");
}

TEST_CASE("parse_mic reads every form partners send") {
  const Mic abc256 = mic_of(kAbc256, DigestAlg::sha256);
  const std::string b64(kAbc256);
  const std::vector<std::string> forms{
      b64 + ", sha256",           // pyas2 (RFC 3851 spelling)
      b64 + ",sha-256",           // the i05 ABNF: no space
      "  " + b64 + " ,  SHA-256  ",  // spaces anywhere, upper case
      b64 + ", sha_256",          // Cleo, OpenAS2
      b64 + ", sha2_256",         // phase2 non-compliant names
      b64 + ",\r\n sha256",       // folded after the comma, as a header parser leaves it unfolded or not
      b64.substr(0, 20) + "\r\n " + b64.substr(20) + ", sha-256",  // base64 wrapped
      b64 + " sha256",            // no comma at all
  };
  for (const std::string& form : forms) {
    INFO(form);
    auto mic = parse_mic(form);
    REQUIRE(mic);
    CHECK(*mic == abc256);
  }
  // SHA-512 values wrapped past 76 characters (Drummond 3Q12 #7).
  const std::string b512(kAbc512);
  auto wrapped = parse_mic(b512.substr(0, 60) + "\r\n\t" + b512.substr(60) + ", sha512");
  REQUIRE(wrapped);
  CHECK(*wrapped == mic_of(kAbc512, DigestAlg::sha512));
}

TEST_CASE("parse_mic refuses hostile and broken values") {
  const std::string b64(kAbc256);
  struct Case {
    std::string value;
    Errc code;
  };
  const std::vector<Case> cases{
      {"", Errc::bad_data},
      {"   \r\n ", Errc::bad_data},
      {",", Errc::bad_data},
      {b64, Errc::bad_data},                     // no algorithm
      {b64 + ",", Errc::bad_data},               // empty algorithm
      {", sha256", Errc::bad_data},              // no digest
      {"!!!!" + b64 + ", sha256", Errc::bad_data},  // not base64
      {b64 + ", sha3-256", Errc::unsupported},   // unknown algorithm
      {b64 + ", pkcs7-signature", Errc::unsupported},
      // i05 A.4 erratum: a 20-byte (SHA-1 length) value labelled sha256.
      {"/wxs9YkVnUBg3CEv/Jy4ydxAJnQ=, sha256", Errc::bad_data},
      {b64 + ", sha1", Errc::bad_data},          // 32 bytes labelled SHA-1
      {std::string(1 << 20, 'A') + ", sha256", Errc::bad_data},  // a megabyte of digest
      {std::string("AAAA\0AAAA", 9) + ", sha256", Errc::bad_data},
  };
  for (const Case& c : cases) {
    INFO(c.value.substr(0, 60));
    auto mic = parse_mic(c.value);
    REQUIRE_FALSE(mic);
    CHECK(mic.error().code() == c.code);
    CHECK(mic.error().message().size() < 400);  // hostile input is not copied into messages
  }
}

TEST_CASE("MICs compare by algorithm and bytes, not by spelling") {
  auto sha1 = parse_mic("/wxs9YkVnUBg3CEv/Jy4ydxAJnQ=, sha1");
  auto sha_1 = parse_mic("/wxs9YkVnUBg3CEv/Jy4ydxAJnQ= , SHA-1");
  REQUIRE(sha1);
  REQUIRE(sha_1);
  CHECK(*sha1 == *sha_1);  // phase2 #75 compared the strings and failed here
  Mic other = *sha1;
  other.digest[0] = static_cast<char>(other.digest[0] ^ 1);
  CHECK_FALSE(other == *sha1);
  auto sha256 = compute_mic("abc", DigestAlg::sha256);
  auto sha224 = compute_mic("abc", DigestAlg::sha224);
  REQUIRE(sha256);
  REQUIRE(sha224);
  CHECK_FALSE(*sha256 == *sha224);
  Mic relabelled{DigestAlg::sha512, sha256->digest};
  CHECK_FALSE(relabelled == *sha256);
}
