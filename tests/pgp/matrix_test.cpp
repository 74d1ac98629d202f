// Every cipher x compression x digest: encrypted and signed by the library, decrypted and
// checked by the gpg command (which reports the algorithms it saw), and decrypted back by
// the library.
#include <catch2/catch.hpp>

#include <map>

#include <payload/io/file.h>
#include <payload/pgp/keys.h>
#include <payload/pgp/message.h>

#include "support/pgp_fixture.h"
#include "support/run.h"

using namespace payload;
using namespace payload::test;

namespace {

// RFC 4880 9.2-9.4 algorithm ids, as gpg's status lines print them.
const std::map<pgp::Cipher, int> kCipherIds{
    {pgp::Cipher::idea, 1},     {pgp::Cipher::tripledes, 2},    {pgp::Cipher::cast5, 3},        {pgp::Cipher::blowfish, 4},
    {pgp::Cipher::aes128, 7},   {pgp::Cipher::aes192, 8},       {pgp::Cipher::aes256, 9},       {pgp::Cipher::twofish, 10},
    {pgp::Cipher::camellia128, 11}, {pgp::Cipher::camellia192, 12}, {pgp::Cipher::camellia256, 13}};
const std::map<pgp::Digest, int> kDigestIds{{pgp::Digest::sha1, 2},   {pgp::Digest::ripemd160, 3}, {pgp::Digest::sha256, 8},
                                            {pgp::Digest::sha384, 9}, {pgp::Digest::sha512, 10},   {pgp::Digest::sha224, 11}};
const std::map<pgp::Compression, std::string> kCompressedPacket{
    {pgp::Compression::zip, "algo=1"}, {pgp::Compression::zlib, "algo=2"}, {pgp::Compression::bzip2, "algo=3"}};

// The value of field `index` (0-based after the keyword) of the first status line `keyword`.
std::string status_field(const std::string& status, const std::string& keyword, size_t index) {
  const auto pos = status.find("[GNUPG:] " + keyword + " ");
  if (pos == std::string::npos) return {};
  std::string line = status.substr(pos + 10 + keyword.size(), status.find('\n', pos) - pos - 10 - keyword.size());
  for (size_t i = 0; i < index; ++i) line = line.substr(line.find(' ') + 1);
  return line.substr(0, line.find(' '));
}

void run_matrix(pgp::Compression compression) {
  GpgHome home;
  TempDir dir;
  // RSA accepts every digest, including the 160-bit ones.
  const auto fpr = gpg_generate(home.path(), "Matrix <matrix@example.test>", "rsa2048");
  auto keyring = pgp::Keyring::open(home.path());
  REQUIRE(keyring);
  const std::string text = "ISA*00*matrix test line, compressible compressible compressible\r\n";
  std::string plain;
  for (int i = 0; i < 200; ++i) plain += text;
  write_file(dir / "plain.txt", plain);

  for (const auto& [cipher, cipher_id] : kCipherIds) {
    for (const auto& [digest, digest_id] : kDigestIds) {
      INFO("cipher " << pgp::gpg_name(cipher) << ", digest " << pgp::gpg_name(digest) << ", compression " << pgp::gpg_name(compression));
      pgp::EncryptOptions options;
      options.recipients = {fpr};
      options.signers = {fpr};
      options.algorithms = {cipher, digest, compression, -1};
      auto in = io::InputFile::open(dir / "plain.txt");
      REQUIRE(in);
      auto out = io::AtomicFile::create(dir / "msg.pgp", true);
      REQUIRE(out);
      auto report = pgp::encrypt(*keyring, options, in->input(), out->output());
      INFO((report ? std::string() : report.error().message()));
      REQUIRE(report);
      REQUIRE(out->finish());

      auto decrypted = run({"gpg", "--homedir", home.path().string(), "--batch", "--status-fd", "2", "-d", (dir / "msg.pgp").string()});
      INFO(decrypted.err);
      REQUIRE(decrypted.exit_code == 0);
      CHECK(decrypted.out == plain);
      CHECK(status_field(decrypted.err, "DECRYPTION_INFO", 0) == "2");  // MDC present
      CHECK(status_field(decrypted.err, "DECRYPTION_INFO", 1) == std::to_string(cipher_id));
      CHECK(status_field(decrypted.err, "VALIDSIG", 7) == std::to_string(digest_id));

      if (digest == pgp::Digest::sha256) {
        auto packets = run({"gpg", "--homedir", home.path().string(), "--batch", "--list-packets", (dir / "msg.pgp").string()});
        const bool has_compressed_packet = packets.out.find(":compressed packet:") != std::string::npos;
        if (compression == pgp::Compression::none) CHECK_FALSE(has_compressed_packet);
        else CHECK(packets.out.find(":compressed packet: " + kCompressedPacket.at(compression)) != std::string::npos);
      }

      auto cin = io::InputFile::open(dir / "msg.pgp");
      REQUIRE(cin);
      auto back = io::AtomicFile::create(dir / "back.txt", true);
      REQUIRE(back);
      pgp::DecryptOptions doptions;
      doptions.require_signers = {fpr};
      auto dreport = pgp::decrypt(*keyring, doptions, cin->input(), back->output());
      INFO((dreport ? std::string() : dreport.error().message()));
      REQUIRE(dreport);
      REQUIRE(back->finish());
      CHECK(read_file(dir / "back.txt") == plain);
      CHECK(dreport->signatures.at(0).digest == pgp::gpg_name(digest));
    }
  }
}

}  // namespace

TEST_CASE("every cipher and digest, uncompressed, interoperates with gpg") { run_matrix(pgp::Compression::none); }
TEST_CASE("every cipher and digest, ZIP, interoperates with gpg") { run_matrix(pgp::Compression::zip); }
TEST_CASE("every cipher and digest, ZLIB, interoperates with gpg") { run_matrix(pgp::Compression::zlib); }
TEST_CASE("every cipher and digest, BZIP2, interoperates with gpg") { run_matrix(pgp::Compression::bzip2); }
