// EnvelopedData and AuthEnvelopedData both ways against the openssl command, then
// tampering, wrong keys and the cipher policy.
#include <catch2/catch.hpp>

#include <payload/cms/decrypt.h>
#include <payload/cms/encrypt.h>
#include <payload/cms/sign.h>
#include <payload/io/file.h>

#include "cms_fixture.h"

using namespace payload;
using payload::test::openssl;
using payload::test::Pki;

namespace {

const std::string kContent =
    "Content-Type: application/edi-x12\r\n\r\nISA*00*          *00*~\r\nGS*IN*A*B~\nIEA*1*000000905~\r\n"
    "and some more bytes so that the content spans several cipher blocks.\r\n";

std::string openssl_encrypt(const std::vector<std::string>& extra, const std::vector<std::string>& recipients) {
  const auto& pki = Pki::get();
  static int counter = 0;
  const auto base = pki.dir() / ("enc-" + std::to_string(++counter));
  test::write_file(base.string() + ".txt", kContent);
  std::vector<std::string> args{"cms", "-encrypt", "-binary", "-in", base.string() + ".txt", "-outform", "DER",
                                "-out", base.string() + ".p7m"};
  args.insert(args.end(), extra.begin(), extra.end());
  for (const auto& r : recipients) {
    args.push_back("-recip");
    args.push_back(pki.crt(r).string());
  }
  openssl(args);
  return test::read_file(base.string() + ".p7m");
}

}  // namespace

TEST_CASE("decrypt: EnvelopedData and AuthEnvelopedData made by openssl cms", "[cms][decrypt][interop]") {
  const auto& pki = Pki::get();
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> keyopts;  // apply to the last -recip (ours)
    cms::ContentCipher cipher;
    cms::KeyTransport transport;
  };
  const std::vector<Case> cases{
      {{"-aes-128-cbc"}, {}, cms::ContentCipher::aes128_cbc, cms::KeyTransport::rsa_pkcs1v15},
      {{"-aes-192-cbc"}, {}, cms::ContentCipher::aes192_cbc, cms::KeyTransport::rsa_pkcs1v15},
      {{"-aes-256-cbc"}, {}, cms::ContentCipher::aes256_cbc, cms::KeyTransport::rsa_pkcs1v15},
      {{"-aes-128-gcm"}, {}, cms::ContentCipher::aes128_gcm, cms::KeyTransport::rsa_pkcs1v15},
      {{"-aes-256-gcm", "-stream"}, {}, cms::ContentCipher::aes256_gcm, cms::KeyTransport::rsa_pkcs1v15},
      {{"-aes-256-cbc", "-stream"}, {}, cms::ContentCipher::aes256_cbc, cms::KeyTransport::rsa_pkcs1v15},
      {{"-aes-128-cbc"}, {"-keyopt", "rsa_padding_mode:oaep"}, cms::ContentCipher::aes128_cbc,
       cms::KeyTransport::rsa_oaep_sha1},
  };
  const auto rsa = pki.identity("rsa");
  const auto rsa2 = pki.identity("rsa2");
  for (const auto& c : cases) {
    INFO(c.args[0] << (c.args.size() > 1 ? " " + c.args[1] : "") << (c.keyopts.empty() ? "" : " oaep"));
    // Two recipients; we hold the second one's key only.
    std::vector<std::string> full = c.args;
    full.insert(full.end(), {"-recip", pki.crt("rsa2").string(), "-recip", pki.crt("rsa").string()});
    full.insert(full.end(), c.keyopts.begin(), c.keyopts.end());
    const std::string der = openssl_encrypt(full, {});
    cms::DecryptReport report;
    cms::DecryptOptions options;
    auto plain = cms::decrypt(der, {rsa}, options, &report);
    INFO((plain ? "" : plain.error().message()));
    REQUIRE(plain);
    CHECK(*plain == kContent);
    CHECK(report.cipher == c.cipher);
    CHECK(report.key_transport == c.transport);
    CHECK(report.authenticated == cms::is_authenticated(c.cipher));
    CHECK(report.recipient_subject == "O=payload tests,CN=rsa");
  }

  // RSAES-OAEP with SHA-256 parameters written explicitly (RFC 4055).
  {
    const std::string der = openssl_encrypt({"-aes-256-cbc", "-recip", pki.crt("rsa").string(), "-keyopt",
                                             "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt",
                                             "rsa_mgf1_md:sha256"},
                                            {});
    cms::DecryptReport report;
    auto plain = cms::decrypt(der, {rsa2, rsa}, {}, &report);
    REQUIRE(plain);
    CHECK(*plain == kContent);
    CHECK(report.key_transport == cms::KeyTransport::rsa_oaep_sha256);
  }
  // Key rollover: the old and the new identity are both configured, the message is for either.
  {
    const std::string for_old = openssl_encrypt({"-aes-128-cbc"}, {"rsa2"});
    cms::DecryptReport report;
    auto plain = cms::decrypt(for_old, {rsa, rsa2}, {}, &report);
    REQUIRE(plain);
    CHECK(report.recipient_subject == "O=payload tests,CN=rsa2");
  }
  // 3DES only when the partner policy allows it.
  {
    const std::string des = openssl_encrypt({"-des3"}, {"rsa"});
    auto refused = cms::decrypt(des, {rsa});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == Errc::unsupported);
    cms::DecryptOptions legacy;
    legacy.allowed_ciphers.push_back(cms::ContentCipher::des_ede3_cbc);
    cms::DecryptReport report;
    auto plain = cms::decrypt(des, {rsa}, legacy, &report);
    REQUIRE(plain);
    CHECK(*plain == kContent);
    CHECK(report.cipher == cms::ContentCipher::des_ede3_cbc);
  }
}

TEST_CASE("encrypt: openssl cms -decrypt opens what we encrypt", "[cms][encrypt][interop]") {
  const auto& pki = Pki::get();
  struct Case {
    cms::ContentCipher cipher;
    cms::KeyTransport transport;
    std::string expect;  // in `openssl cms -cmsout -print`
  };
  const std::vector<Case> cases{
      {cms::ContentCipher::aes128_cbc, cms::KeyTransport::rsa_pkcs1v15, "aes-128-cbc"},
      {cms::ContentCipher::aes192_cbc, cms::KeyTransport::rsa_pkcs1v15, "aes-192-cbc"},
      {cms::ContentCipher::aes256_cbc, cms::KeyTransport::rsa_oaep_sha256, "sha256"},
      {cms::ContentCipher::aes256_cbc, cms::KeyTransport::rsa_oaep_sha512, "sha512"},
      {cms::ContentCipher::aes128_cbc, cms::KeyTransport::rsa_oaep_sha1, "rsaesOaep"},
      {cms::ContentCipher::aes128_gcm, cms::KeyTransport::rsa_pkcs1v15, "authEnvelopedData"},
      {cms::ContentCipher::aes256_gcm, cms::KeyTransport::rsa_oaep_sha256, "aes-256-gcm"},
  };
  const auto der_path = pki.dir() / "ours.p7m";
  for (const auto& c : cases) {
    INFO(cms::name(c.cipher) << " " << cms::name(c.transport));
    cms::EncryptOptions options;
    options.cipher = c.cipher;
    options.key_transport = c.transport;
    // Two recipients: the partner and ourselves (an originator copy, i05 §7.3.2).
    auto der = cms::encrypt(kContent, {pki.certificate("rsa2"), pki.certificate("rsa")}, options);
    INFO((der ? "" : der.error().message()));
    REQUIRE(der);
    test::write_file(der_path, *der);
    for (const std::string who : {"rsa", "rsa2"}) {
      const std::string plain = openssl({"cms", "-decrypt", "-binary", "-inform", "DER", "-in", der_path.string(),
                                         "-recip", pki.crt(who).string(), "-inkey", pki.key(who).string()});
      CHECK(plain == kContent);
    }
    const std::string printed = openssl({"cms", "-cmsout", "-print", "-inform", "DER", "-in", der_path.string()});
    CHECK(printed.find(c.expect) != std::string::npos);
    if (c.transport != cms::KeyTransport::rsa_pkcs1v15) CHECK(printed.find("rsaesOaep") != std::string::npos);
    cms::DecryptReport report;
    auto ours = cms::decrypt(*der, {pki.identity("rsa")}, {}, &report);
    REQUIRE(ours);
    CHECK(report.cipher == c.cipher);
    CHECK(report.key_transport == c.transport);
  }

  // Streaming encryption of a multi-megabyte file, opened by openssl and by us.
  const auto big = test::pseudo_random_bytes(5 * 1024 * 1024 + 3, 7);
  const auto big_path = pki.dir() / "big-plain.bin";
  test::write_file(big_path, big);
  for (auto cipher : {cms::ContentCipher::aes256_cbc, cms::ContentCipher::aes256_gcm}) {
    INFO(cms::name(cipher));
    auto in = io::InputFile::open(big_path);
    REQUIRE(in);
    const auto enc_path = pki.dir() / "big.p7m";
    auto out = io::AtomicFile::create(enc_path, true);
    REQUIRE(out);
    cms::EncryptOptions options;
    options.cipher = cipher;
    REQUIRE(cms::encrypt(in->input(), out->output(), {pki.certificate("rsa")}, options));
    REQUIRE(out->finish());
    const auto dec_path = pki.dir() / "big.dec";
    openssl({"cms", "-decrypt", "-binary", "-inform", "DER", "-in", enc_path.string(), "-recip",
             pki.crt("rsa").string(), "-inkey", pki.key("rsa").string(), "-out", dec_path.string()});
    CHECK(test::read_file(dec_path) == big);

    auto enc_in = io::InputFile::open(enc_path);
    REQUIRE(enc_in);
    const auto ours_path = pki.dir() / "big.ours";
    auto sink = io::AtomicFile::create(ours_path, true);
    REQUIRE(sink);
    auto report = cms::decrypt(enc_in->input(), sink->output(), {pki.identity("rsa")});
    INFO((report ? "" : report.error().message()));
    REQUIRE(report);
    REQUIRE(sink->finish());
    CHECK(test::read_file(ours_path) == big);
  }
}

TEST_CASE("decrypt: the streaming form reads openssl's DER and BER and refuses tampering", "[cms][decrypt][interop]") {
  const auto& pki = Pki::get();
  const auto rsa = pki.identity("rsa");
  auto decrypt_file = [&](const std::string& der, cms::DecryptReport* report) -> Result<std::string> {
    const auto in_path = pki.dir() / "stream-in.p7m";
    test::write_file(in_path, der);
    auto in = io::InputFile::open(in_path);
    REQUIRE(in);
    auto spool = io::SpoolFile::create();
    REQUIRE(spool);
    auto r = cms::decrypt(in->input(), spool->output(), {pki.identity("rsa2"), rsa});
    if (!r) return fail(r.error());
    if (report != nullptr) *report = *r;
    return spool->read_all();
  };
  struct Case {
    std::vector<std::string> args;
    cms::ContentCipher cipher;
  };
  for (const Case& c : std::vector<Case>{{{"-aes-128-cbc"}, cms::ContentCipher::aes128_cbc},
                                        {{"-aes-256-cbc", "-stream"}, cms::ContentCipher::aes256_cbc},
                                        {{"-aes-128-gcm"}, cms::ContentCipher::aes128_gcm},
                                        {{"-aes-256-gcm", "-stream"}, cms::ContentCipher::aes256_gcm}}) {
    INFO(c.args[0] << " " << c.args.size());
    const std::string der = openssl_encrypt(c.args, {"rsa"});
    cms::DecryptReport report;
    auto plain = decrypt_file(der, &report);
    INFO((plain ? "" : plain.error().message()));
    REQUIRE(plain);
    CHECK(*plain == kContent);
    CHECK(report.cipher == c.cipher);
  }
  const std::string gcm = openssl_encrypt({"-aes-256-gcm"}, {"rsa"});
  std::string bad = gcm;
  bad[bad.size() - 40] ^= 0x01;
  auto tampered = decrypt_file(bad, nullptr);
  REQUIRE_FALSE(tampered);
  CHECK(tampered.error().code() == Errc::bad_data);
  auto rollover = decrypt_file(openssl_encrypt({"-aes-128-cbc"}, {"rsa2"}), nullptr);
  REQUIRE(rollover);  // rsa2 is among the identities
  cms::DecryptOptions none;
  none.allowed_ciphers.clear();
  const auto in_path = pki.dir() / "policy.p7m";
  test::write_file(in_path, gcm);
  auto in = io::InputFile::open(in_path);
  REQUIRE(in);
  auto spool = io::SpoolFile::create();
  REQUIRE(spool);
  auto refused = cms::decrypt(in->input(), spool->output(), {rsa}, none);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::unsupported);
  CHECK(spool->read_all()->empty());
  auto truncated = decrypt_file(gcm.substr(0, gcm.size() / 2), nullptr);
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().code() == Errc::bad_data);
}

TEST_CASE("decrypt: tampering, wrong key, policy and non-encrypted input", "[cms][decrypt][negative]") {
  const auto& pki = Pki::get();
  const auto rsa = pki.identity("rsa");

  SECTION("GCM: one flipped ciphertext byte fails the tag") {
    const std::string der = openssl_encrypt({"-aes-256-gcm"}, {"rsa"});
    REQUIRE(cms::decrypt(der, {rsa}));
    std::string bad = der;
    bad[bad.size() - 40] ^= 0x01;
    auto r = cms::decrypt(bad, {rsa});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_data);
  }
  SECTION("GCM: a flipped tag byte fails") {
    const std::string der = openssl_encrypt({"-aes-128-gcm"}, {"rsa"});
    std::string bad = der;
    bad[bad.size() - 1] ^= 0x80;
    auto r = cms::decrypt(bad, {rsa});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_data);
  }
  SECTION("CBC: a flipped byte never yields the original plaintext") {
    // CBC has no integrity of its own (i05 §7.3.1 relies on the signature): the result is
    // a padding error or garbage, never the content.
    const std::string der = openssl_encrypt({"-aes-256-cbc"}, {"rsa"});
    std::string bad = der;
    bad[bad.size() - 1] ^= 0x01;
    auto r = cms::decrypt(bad, {rsa});
    if (r) CHECK(*r != kContent);
    else CHECK(r.error().code() == Errc::bad_data);
  }
  SECTION("a corrupted encrypted content key") {
    // The 256-byte RSA block ends right before the EncryptedContentInfo, whose
    // contentType OID (id-data) follows: flip a byte just before it.
    const std::string id_data("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01", 11);
    for (const std::string cipher : {"-aes-256-gcm", "-aes-256-cbc"}) {
      INFO(cipher);
      std::string der = openssl_encrypt({cipher}, {"rsa"});
      const auto at = der.find(id_data);
      REQUIRE(at != std::string::npos);
      der[at - 4] ^= 0x01;
      auto r = cms::decrypt(der, {rsa});
      if (cipher == "-aes-256-gcm") {
        // A wrong content key can never pass the GCM tag.
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == Errc::bad_data);
      } else if (r) {
        // PKCS#1 v1.5 + CBC: OpenSSL hides unwrap failures behind a random key (the
        // Bleichenbacher/MMA countermeasure), so the CBC padding may pass by chance
        // (about 1 in 256); the result is then garbage, never the content.
        CHECK(*r != kContent);
      } else {
        CHECK(r.error().code() == Errc::bad_data);
      }
    }
  }
  SECTION("not encrypted for us") {
    const std::string der = openssl_encrypt({"-aes-128-cbc"}, {"rsa2"});
    auto r = cms::decrypt(der, {rsa});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::no_key);
    CHECK(r.error().message().find("CN=rsa2") != std::string::npos);
  }
  SECTION("the policy refuses a cipher") {
    const std::string der = openssl_encrypt({"-aes-128-cbc"}, {"rsa"});
    cms::DecryptOptions gcm_only;
    gcm_only.allowed_ciphers = {cms::ContentCipher::aes256_gcm};
    auto r = cms::decrypt(der, {rsa}, gcm_only);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::unsupported);
  }
  SECTION("our encrypt refuses 3DES unless asked") {
    cms::EncryptOptions options;
    options.cipher = cms::ContentCipher::des_ede3_cbc;
    auto refused = cms::encrypt(kContent, {pki.certificate("rsa")}, options);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == Errc::usage);
    options.allow_legacy_cipher = true;
    auto der = cms::encrypt(kContent, {pki.certificate("rsa")}, options);
    REQUIRE(der);
    const auto path = pki.dir() / "des.p7m";
    test::write_file(path, *der);
    CHECK(openssl({"cms", "-decrypt", "-binary", "-inform", "DER", "-in", path.string(), "-recip",
                   pki.crt("rsa").string(), "-inkey", pki.key("rsa").string()}) == kContent);
  }
  SECTION("EC recipients are refused clearly") {
    auto r = cms::encrypt(kContent, {pki.certificate("ec256")});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::usage);
  }
  SECTION("a SignedData is not encrypted") {
    auto signed_data = cms::sign_enveloping(kContent, rsa);
    REQUIRE(signed_data);
    auto r = cms::decrypt(*signed_data, {rsa});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_data);
  }
  SECTION("garbage") {
    auto r = cms::decrypt("definitely not DER", {rsa});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_data);
  }
}
