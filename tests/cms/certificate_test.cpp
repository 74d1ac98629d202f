// Certificates and private keys made by the openssl command, loaded by payload::cms.
#include <catch2/catch.hpp>

#include <payload/cms/algorithms.h>
#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>

#include "cms_fixture.h"

using namespace payload;
using payload::test::openssl;
using payload::test::Pki;

TEST_CASE("certificate facts match what openssl x509 prints", "[cms][cert]") {
  const auto& pki = Pki::get();
  auto cert = cms::Certificate::load(pki.crt("rsa"));
  REQUIRE(cert);
  const auto info = cert->info();
  CHECK(info.subject == "O=payload tests,CN=rsa");
  CHECK(info.issuer == info.subject);
  CHECK(info.key_type == "RSA");
  CHECK(info.key_bits == 2048);
  // openssl prints "serial=0C0D53..." in whole bytes, as we do.
  std::string serial = openssl({"x509", "-in", pki.crt("rsa").string(), "-noout", "-serial"});
  serial = serial.substr(serial.find('=') + 1);
  serial.erase(serial.find_last_not_of("\r\n") + 1);
  CHECK(info.serial == serial);
  std::string fingerprint = openssl({"x509", "-in", pki.crt("rsa").string(), "-noout", "-fingerprint", "-sha256"});
  fingerprint = fingerprint.substr(fingerprint.find('=') + 1);
  std::erase(fingerprint, ':');
  fingerprint.erase(fingerprint.find_last_not_of("\r\n") + 1);
  CHECK(info.sha256_fingerprint == fingerprint);
  const auto now = std::chrono::system_clock::now();
  CHECK(info.not_before <= now);
  CHECK(info.not_after > now + std::chrono::hours(24 * 29));
  CHECK(cert->valid_at(now));
  CHECK_FALSE(cert->valid_at(now + std::chrono::hours(24 * 31)));

  auto ec = cms::Certificate::load(pki.crt("ec384"));
  REQUIRE(ec);
  CHECK(ec->info().key_type == "EC");
  CHECK(ec->info().key_bits == 384);
  CHECK(ec->info().curve == "P-384");
}

TEST_CASE("DER certificates and bundles load", "[cms][cert]") {
  const auto& pki = Pki::get();
  const auto der = pki.dir() / "rsa.der";
  openssl({"x509", "-in", pki.crt("rsa").string(), "-outform", "DER", "-out", der.string()});
  auto from_der = cms::Certificate::load(der);
  REQUIRE(from_der);
  auto from_pem = cms::Certificate::load(pki.crt("rsa"));
  REQUIRE(from_pem);
  CHECK(from_der->der() == from_pem->der());

  const auto bundle = pki.dir() / "bundle.pem";
  test::write_file(bundle, test::read_file(pki.crt("rsa")) + test::read_file(pki.crt("ec256")));
  auto all = cms::Certificate::load_all(bundle);
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  CHECK((*all)[1].info().key_type == "EC");

  auto garbage = cms::Certificate::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().code() == Errc::bad_data);
  auto missing = cms::Certificate::load(pki.dir() / "nope.crt");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == Errc::io);
}

TEST_CASE("private keys: plain, passphrase-protected PEM (PKCS#8 and traditional) and DER", "[cms][key]") {
  const auto& pki = Pki::get();
  const auto cert = pki.certificate("rsa");
  const auto dir = pki.dir();
  openssl({"pkcs8", "-topk8", "-in", pki.key("rsa").string(), "-v2", "aes-256-cbc", "-passout", "pass:s3cret",
           "-out", (dir / "p8.pem").string()});
  openssl({"rsa", "-in", pki.key("rsa").string(), "-aes256", "-traditional", "-passout", "pass:s3cret", "-out",
           (dir / "trad.pem").string()});
  openssl({"pkcs8", "-topk8", "-in", pki.key("rsa").string(), "-v2", "aes-256-cbc", "-passout", "pass:s3cret",
           "-outform", "DER", "-out", (dir / "p8.der").string()});
  openssl({"pkcs8", "-topk8", "-nocrypt", "-in", pki.key("rsa").string(), "-outform", "DER", "-out",
           (dir / "plain.der").string()});

  auto plain = cms::PrivateKey::load(pki.key("rsa"));
  REQUIRE(plain);
  CHECK(plain->key_type() == "RSA");
  CHECK(plain->bits() == 2048);
  CHECK(plain->matches(cert));
  CHECK_FALSE(plain->matches(pki.certificate("rsa2")));

  for (const char* file : {"p8.pem", "trad.pem", "p8.der"}) {
    INFO(file);
    auto good = cms::PrivateKey::load(dir / file, "s3cret");
    REQUIRE(good);
    CHECK(good->matches(cert));
    auto wrong = cms::PrivateKey::load(dir / file, "wrong");
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code() == Errc::bad_passphrase);
    auto none = cms::PrivateKey::load(dir / file);
    REQUIRE_FALSE(none);
    CHECK(none.error().code() == Errc::bad_passphrase);
  }
  auto der = cms::PrivateKey::load(dir / "plain.der");
  REQUIRE(der);
  CHECK(der->matches(cert));
  auto ec = cms::PrivateKey::load(pki.key("ec256"));
  REQUIRE(ec);
  CHECK(ec->key_type() == "EC");
  CHECK(ec->bits() == 256);
  auto junk = cms::PrivateKey::from_pem("not a key");
  REQUIRE_FALSE(junk);
  CHECK(junk.error().code() == Errc::bad_data);
}

TEST_CASE("micalg names", "[cms][algorithms]") {
  CHECK(cms::micalg(cms::DigestAlg::sha256) == "sha-256");
  CHECK(cms::micalg(cms::DigestAlg::sha1) == "sha1");
  CHECK(cms::micalg(cms::DigestAlg::md5) == "md5");
  CHECK(cms::parse_micalg("SHA256") == cms::DigestAlg::sha256);
  CHECK(cms::parse_micalg("sha_384") == cms::DigestAlg::sha384);
  CHECK(cms::parse_micalg("sha2_512") == cms::DigestAlg::sha512);
  CHECK(cms::parse_micalg("rsa-sha1") == cms::DigestAlg::sha1);
  CHECK(cms::parse_micalg("sha-1") == cms::DigestAlg::sha1);
  CHECK_FALSE(cms::parse_micalg("pkcs7-signature"));
}
