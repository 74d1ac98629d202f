// Self-signed identities made by payload::cms, checked by the openssl command: the
// extensions AS2 needs, the PKCS#8 key (encrypted or not) that openssl reads and that
// belongs to the certificate, and signatures made with it that both sides verify.
#include <catch2/catch.hpp>

#include <payload/cms/decrypt.h>
#include <payload/cms/encrypt.h>
#include <payload/cms/self_signed.h>
#include <payload/cms/sign.h>
#include <payload/cms/verify.h>

#include "cms_fixture.h"
#include "support/run.h"

using namespace payload;
using payload::test::openssl;

namespace {

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// The line after `heading` in `openssl x509 -text` output, trimmed.
std::string value_after(const std::string& text, const std::string& heading) {
  const auto at = text.find(heading);
  if (at == std::string::npos) return {};
  const auto start = text.find('\n', at) + 1;
  const auto end = text.find('\n', start);
  std::string line = text.substr(start, end - start);
  line.erase(0, line.find_first_not_of(' '));
  return line;
}

cms::Identity make(const cms::SelfSignedOptions& options) {
  auto id = cms::make_self_signed(options);
  INFO((id ? "" : id.error().message()));
  REQUIRE(id);
  return *id;
}

}  // namespace

TEST_CASE("self-signed RSA certificate: openssl x509 shows the AS2 extensions", "[cms][self_signed][interop]") {
  test::TempDir dir;
  cms::SelfSignedOptions options;
  options.common_name = "ACME AS2";
  options.organization = "ACME Corp";
  options.country = "de";
  options.dns_names = {"as2.acme.example"};
  options.emails = {"edi@acme.example"};
  const auto id = make(options);
  const auto pem = cms::to_pem(id.certificate);
  REQUIRE(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
  test::write_file(dir / "cert.pem", pem);

  const std::string text = openssl({"x509", "-in", (dir / "cert.pem").string(), "-noout", "-text"});
  INFO(text);
  CHECK(contains(text, "Version: 3 (0x2)"));
  CHECK(contains(text, "Subject: C = DE, O = ACME Corp, CN = ACME AS2"));
  CHECK(contains(text, "Issuer: C = DE, O = ACME Corp, CN = ACME AS2"));
  CHECK(contains(text, "Signature Algorithm: sha256WithRSAEncryption"));
  CHECK(contains(text, "Public-Key: (3072 bit)"));
  CHECK(contains(text, "X509v3 Basic Constraints: critical"));
  CHECK(value_after(text, "X509v3 Basic Constraints: critical") == "CA:FALSE");
  CHECK(contains(text, "X509v3 Key Usage: critical"));
  CHECK(value_after(text, "X509v3 Key Usage: critical") ==
        "Digital Signature, Non Repudiation, Key Encipherment, Data Encipherment");
  CHECK(contains(text, "X509v3 Subject Key Identifier"));
  // Non-critical: openssl would print "X509v3 Subject Alternative Name: critical".
  CHECK(contains(text, "X509v3 Subject Alternative Name: \n"));
  CHECK(value_after(text, "X509v3 Subject Alternative Name:") == "DNS:as2.acme.example, email:edi@acme.example");

  // The facts we report agree with openssl's.
  const auto info = id.certificate.info();
  std::string serial = openssl({"x509", "-in", (dir / "cert.pem").string(), "-noout", "-serial"});
  serial = serial.substr(serial.find('=') + 1);
  serial.erase(serial.find_last_not_of("\r\n") + 1);
  CHECK(info.serial == serial);
  CHECK(serial.size() <= 32);  // 128 bits at most
  CHECK(info.key_type == "RSA");
  CHECK(info.key_bits == 3072);
  CHECK(info.not_after - info.not_before == std::chrono::hours(24 * 730));
  const auto now = std::chrono::system_clock::now();
  CHECK(info.not_before <= now);
  CHECK(info.not_before > now - std::chrono::minutes(5));

  // openssl's own check of the self-signature, with the certificate as its only anchor.
  const auto verified = test::run({"openssl", "verify", "-CAfile", (dir / "cert.pem").string(), (dir / "cert.pem").string()});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);

  SECTION("every certificate gets its own random serial") {
    const auto other = make(options);
    CHECK(other.certificate.info().serial != info.serial);
    CHECK(other.certificate.info().sha256_fingerprint != info.sha256_fingerprint);
  }
  SECTION("without names there is no subjectAltName, and the validity is what was asked") {
    cms::SelfSignedOptions bare;
    bare.common_name = "bare";
    bare.validity_days = 30;
    bare.key_type = cms::KeyType::rsa2048;
    const auto b = make(bare);
    test::write_file(dir / "bare.pem", cms::to_pem(b.certificate));
    const std::string t = openssl({"x509", "-in", (dir / "bare.pem").string(), "-noout", "-text"});
    CHECK_FALSE(contains(t, "Subject Alternative Name"));
    CHECK(contains(t, "Subject: CN = bare"));
    CHECK(contains(t, "Public-Key: (2048 bit)"));
    CHECK(b.certificate.info().not_after - b.certificate.info().not_before == std::chrono::hours(24 * 30));
  }
}

TEST_CASE("self-signed EC certificates: curve, ECDSA signature, no key-transport usages", "[cms][self_signed][interop]") {
  test::TempDir dir;
  for (const auto& [type, curve, nist] : {std::tuple{cms::KeyType::ec_p256, "prime256v1", "P-256"},
                                          std::tuple{cms::KeyType::ec_p384, "secp384r1", "P-384"}}) {
    INFO(nist);
    cms::SelfSignedOptions options;
    options.common_name = "ec partner";
    options.key_type = type;
    const auto id = make(options);
    test::write_file(dir / "ec.pem", cms::to_pem(id.certificate));
    const std::string text = openssl({"x509", "-in", (dir / "ec.pem").string(), "-noout", "-text"});
    CHECK(contains(text, std::string("ASN1 OID: ") + curve));
    CHECK(contains(text, "Signature Algorithm: ecdsa-with-SHA256"));
    CHECK(value_after(text, "X509v3 Key Usage: critical") == "Digital Signature, Non Repudiation");
    CHECK(value_after(text, "X509v3 Basic Constraints: critical") == "CA:FALSE");
    CHECK(id.certificate.info().curve == nist);
    CHECK(id.key.key_type() == "EC");
  }
}

TEST_CASE("private key PEM: openssl pkey reads it, with and without passphrase, and it fits the certificate", "[cms][self_signed][interop]") {
  test::TempDir dir;
  cms::SelfSignedOptions options;
  options.common_name = "key owner";
  options.key_type = cms::KeyType::rsa2048;
  const auto id = make(options);
  test::write_file(dir / "cert.pem", cms::to_pem(id.certificate));
  const std::string cert_pub = openssl({"x509", "-in", (dir / "cert.pem").string(), "-noout", "-pubkey"});
  REQUIRE(contains(cert_pub, "BEGIN PUBLIC KEY"));

  SECTION("encrypted with a passphrase: PBES2 with AES-256-CBC") {
    auto pem = cms::to_pem(id.key, std::string_view("correct horse"));
    REQUIRE(pem);
    CHECK(pem->starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
    test::write_file(dir / "key.pem", *pem);
    const std::string pub = openssl({"pkey", "-in", (dir / "key.pem").string(), "-passin", "pass:correct horse", "-pubout"});
    CHECK(pub == cert_pub);
    const auto wrong = test::run({"openssl", "pkey", "-in", (dir / "key.pem").string(), "-passin", "pass:wrong", "-noout"});
    CHECK(wrong.exit_code != 0);
    const std::string structure = openssl({"asn1parse", "-in", (dir / "key.pem").string()});
    CHECK(contains(structure, "PBES2"));
    CHECK(contains(structure, "aes-256-cbc"));
    // And we read it back.
    auto loaded = cms::PrivateKey::load(dir / "key.pem", std::string_view("correct horse"));
    REQUIRE(loaded);
    CHECK(loaded->matches(id.certificate));
    auto refused = cms::PrivateKey::load(dir / "key.pem", std::string_view("wrong"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == Errc::bad_passphrase);
  }
  SECTION("unencrypted PKCS#8") {
    auto pem = cms::to_pem(id.key, std::nullopt);
    REQUIRE(pem);
    CHECK(pem->starts_with("-----BEGIN PRIVATE KEY-----\n"));
    test::write_file(dir / "key.pem", *pem);
    const std::string pub = openssl({"pkey", "-in", (dir / "key.pem").string(), "-pubout"});
    CHECK(pub == cert_pub);
  }
  SECTION("an empty passphrase is refused") {
    auto pem = cms::to_pem(id.key, std::string_view(""));
    REQUIRE_FALSE(pem);
    CHECK(pem.error().code() == Errc::usage);
  }
}

TEST_CASE("a self-signed identity signs and decrypts, for us and for openssl cms", "[cms][self_signed][interop]") {
  test::TempDir dir;
  const std::string content = "UNB+UNOC:3+SENDER+RECEIVER+240101:1200+1'\r\n";
  test::write_file(dir / "content.txt", content);
  for (const auto type : {cms::KeyType::rsa2048, cms::KeyType::ec_p256}) {
    INFO(cms::name(type));
    cms::SelfSignedOptions options;
    options.common_name = "signer";
    options.key_type = type;
    const auto id = make(options);
    test::write_file(dir / "cert.pem", cms::to_pem(id.certificate));

    auto sig = cms::sign_detached(content, id);
    REQUIRE(sig);
    auto report = cms::verify_detached(content, *sig, {id.certificate});
    INFO((report ? "" : report.error().message()));
    REQUIRE(report);
    CHECK(report->signers.front().subject == "CN=signer");
    // openssl with the certificate as the only trust anchor: the extensions pass its S/MIME checks.
    test::write_file(dir / "sig.p7s", *sig);
    openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", (dir / "sig.p7s").string(), "-content",
             (dir / "content.txt").string(), "-CAfile", (dir / "cert.pem").string(), "-out", "/dev/null"});
  }

  cms::SelfSignedOptions options;
  options.common_name = "recipient";
  options.key_type = cms::KeyType::rsa2048;
  const auto id = make(options);
  test::write_file(dir / "rcpt.pem", cms::to_pem(id.certificate));
  auto key_pem = cms::to_pem(id.key, std::nullopt);
  REQUIRE(key_pem);
  test::write_file(dir / "rcpt.key", *key_pem);
  auto enveloped = cms::encrypt(content, {id.certificate});
  REQUIRE(enveloped);
  auto plain = cms::decrypt(*enveloped, {id});
  REQUIRE(plain);
  CHECK(*plain == content);
  test::write_file(dir / "env.p7m", *enveloped);
  const std::string by_openssl = openssl({"cms", "-decrypt", "-binary", "-inform", "DER", "-in", (dir / "env.p7m").string(),
                                          "-recip", (dir / "rcpt.pem").string(), "-inkey", (dir / "rcpt.key").string()});
  CHECK(by_openssl == content);
}

TEST_CASE("self-signed: bad requests are usage errors", "[cms][self_signed][negative]") {
  struct Case {
    const char* what;
    void (*spoil)(cms::SelfSignedOptions&);
  };
  const std::vector<Case> cases{
      {"no common name", [](cms::SelfSignedOptions& o) { o.common_name.clear(); }},
      {"a common name over 64 characters", [](cms::SelfSignedOptions& o) { o.common_name = std::string(65, 'x'); }},
      {"a control character in the organization", [](cms::SelfSignedOptions& o) { o.organization = "ACME\nCN=evil"; }},
      {"a three-letter country", [](cms::SelfSignedOptions& o) { o.country = "DEU"; }},
      {"a DNS name with a space", [](cms::SelfSignedOptions& o) { o.dns_names = {"as2 .example"}; }},
      {"a DNS name that would smuggle an e-mail entry", [](cms::SelfSignedOptions& o) { o.dns_names = {"a.example,email:x@y.example"}; }},
      {"an e-mail address without @", [](cms::SelfSignedOptions& o) { o.emails = {"edi.acme.example"}; }},
      {"zero days", [](cms::SelfSignedOptions& o) { o.validity_days = 0; }},
      {"more than 100 years", [](cms::SelfSignedOptions& o) { o.validity_days = 36501; }},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    cms::SelfSignedOptions options;
    options.common_name = "ok";
    options.key_type = cms::KeyType::ec_p256;
    c.spoil(options);
    auto id = cms::make_self_signed(options);
    REQUIRE_FALSE(id);
    CHECK(id.error().code() == Errc::usage);
  }
  // The unspoilt request is fine: the changes above are what was refused.
  cms::SelfSignedOptions fine;
  fine.common_name = "ok";
  fine.key_type = cms::KeyType::ec_p256;
  CHECK(cms::make_self_signed(fine));
}

TEST_CASE("key type names", "[cms][self_signed]") {
  for (const auto type : {cms::KeyType::rsa2048, cms::KeyType::rsa3072, cms::KeyType::rsa4096, cms::KeyType::ec_p256,
                          cms::KeyType::ec_p384})
    CHECK(cms::parse_key_type(cms::name(type)) == type);
  CHECK(cms::parse_key_type("EC-P384") == cms::KeyType::ec_p384);
  CHECK_FALSE(cms::parse_key_type("rsa1024"));
  CHECK_FALSE(cms::parse_key_type("ed25519"));
}
