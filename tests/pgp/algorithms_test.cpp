// Algorithm names and the automatic compression choice.
#include <catch2/catch.hpp>

#include <payload/pgp/algorithms.h>

using namespace payload::pgp;

TEST_CASE("algorithm names parse in the spellings users type") {
  CHECK(parse_cipher("aes256") == Cipher::aes256);
  CHECK(parse_cipher("AES-256") == Cipher::aes256);
  CHECK(parse_cipher("3des") == Cipher::tripledes);
  CHECK(parse_cipher("TripleDES") == Cipher::tripledes);
  CHECK(parse_cipher("camellia192") == Cipher::camellia192);
  CHECK_FALSE(parse_cipher("rot13"));
  CHECK(parse_digest("sha-512") == Digest::sha512);
  CHECK(parse_digest("RIPEMD160") == Digest::ripemd160);
  CHECK_FALSE(parse_digest("md5"));
  CHECK(parse_compression("zlib") == Compression::zlib);
  CHECK(parse_compression("uncompressed") == Compression::none);
  CHECK(cipher_names().size() == 11);
  CHECK(digest_names().size() == 6);
  for (auto name : cipher_names()) CHECK(gpg_name(*parse_cipher(name)) == name);
}

TEST_CASE("automatic compression skips data that is already compressed") {
  CHECK(choose_compression(Compression::automatic, "ISA*00*          *00*") == Compression::zlib);
  CHECK(choose_compression(Compression::automatic, std::string("\x1f\x8b\x08\x00", 4)) == Compression::none);
  CHECK(choose_compression(Compression::automatic, "PK\x03\x04rest") == Compression::none);
  CHECK(choose_compression(Compression::automatic, "") == Compression::zlib);
  CHECK(choose_compression(Compression::bzip2, "PK\x03\x04") == Compression::bzip2);
}
