// Library round trips: encrypt/decrypt, sign/verify, with keys made by our own library.
#include <catch2/catch.hpp>

#include <payload/io/file.h>
#include <payload/pgp/keys.h>
#include <payload/pgp/message.h>
#include <payload/pgp/signature.h>

#include "support/temp_dir.h"

using namespace payload;
using payload::test::TempDir;

namespace {
struct Fixture {
  TempDir dir;
  pgp::Keyring keyring = std::move(*pgp::Keyring::open(dir / "home"));
  std::string fpr;
  Fixture() {
    pgp::GenerateOptions options;
    options.user_id = "Alice <alice@example.test>";
    options.type = pgp::KeyType::ed25519;
    auto key = pgp::generate_key(keyring, options);
    REQUIRE(key);
    fpr = key->fingerprint;
  }
};
}  // namespace

TEST_CASE("encrypt and decrypt a file through the library") {
  Fixture f;
  const auto plain = payload::test::pseudo_random_bytes(300000);
  payload::test::write_file(f.dir / "plain.bin", plain);

  auto in = io::InputFile::open(f.dir / "plain.bin");
  REQUIRE(in);
  auto out = io::AtomicFile::create(f.dir / "plain.bin.pgp", false);
  REQUIRE(out);
  pgp::EncryptOptions options;
  options.recipients = {f.fpr};
  options.signers = {f.fpr};
  auto report = pgp::encrypt(f.keyring, options, in->input(), out->output());
  INFO((report ? "" : report.error().message()));
  REQUIRE(report);
  CHECK(report->cipher == "AES256");
  CHECK(report->compression == "ZLIB");
  REQUIRE(out->finish());

  auto cin = io::InputFile::open(f.dir / "plain.bin.pgp");
  REQUIRE(cin);
  auto pout = io::AtomicFile::create(f.dir / "back.bin", false);
  REQUIRE(pout);
  pgp::DecryptOptions doptions;
  doptions.require_signers = {f.fpr};
  auto dreport = pgp::decrypt(f.keyring, doptions, cin->input(), pout->output());
  INFO((dreport ? "" : dreport.error().message()));
  REQUIRE(dreport);
  REQUIRE(pout->finish());
  CHECK(payload::test::read_file(f.dir / "back.bin") == plain);
  CHECK(dreport->cipher == "AES256.CFB");
  REQUIRE(dreport->signatures.size() == 1);
  CHECK(dreport->signatures[0].good());
  CHECK(dreport->signatures[0].primary_fingerprint == f.fpr);
}

TEST_CASE("detached signature made and checked through the library") {
  Fixture f;
  payload::test::write_file(f.dir / "data.txt", "ISA*00*hello\r\n");
  auto in = io::InputFile::open(f.dir / "data.txt");
  REQUIRE(in);
  auto sig = io::AtomicFile::create(f.dir / "data.txt.sig", false);
  REQUIRE(sig);
  pgp::SignOptions options;
  options.signers = {f.fpr};
  auto made = pgp::sign(f.keyring, options, in->input(), sig->output());
  INFO((made ? "" : made.error().message()));
  REQUIRE(made);
  auto finished = sig->finish();
  INFO((finished ? "" : finished.error().message()));
  REQUIRE(finished);

  auto data = io::InputFile::open(f.dir / "data.txt");
  auto signature = io::InputFile::open(f.dir / "data.txt.sig");
  auto report = pgp::verify_detached(f.keyring, data->input(), signature->input());
  REQUIRE(report);
  REQUIRE(report->signatures.size() == 1);
  CHECK(report->signatures[0].good());
  CHECK(pgp::check_signatures(report->signatures, {f.fpr}));

  payload::test::write_file(f.dir / "data.txt", "ISA*00*hellO\r\n");
  auto changed = io::InputFile::open(f.dir / "data.txt");
  auto signature2 = io::InputFile::open(f.dir / "data.txt.sig");
  auto bad = pgp::verify_detached(f.keyring, changed->input(), signature2->input());
  REQUIRE(bad);
  CHECK(bad->signatures[0].status == pgp::SignatureStatus::bad);
  auto verdict = pgp::check_signatures(bad->signatures, {f.fpr});
  REQUIRE_FALSE(verdict);
  CHECK(verdict.error().code() == Errc::bad_signature);
}
