// SignedData both ways against the openssl command: openssl signs and payload::cms
// verifies, payload::cms signs and `openssl cms -verify` checks; then tampering,
// wrong signers, policy and expired certificates.
#include <catch2/catch.hpp>

#include <fcntl.h>

#include <payload/cms/sign.h>
#include <payload/cms/verify.h>
#include <payload/io/file.h>

#include "cms_fixture.h"
#include "support/run.h"

using namespace payload;
using payload::test::openssl;
using payload::test::Pki;

namespace {

// An AS2-like MIME entity with CRLF and a bare LF: signed byte for byte, never canonicalised.
const std::string kContent =
    "Content-Type: application/edi-x12\r\nContent-Disposition: attachment; filename=\"a.x12\"\r\n\r\n"
    "ISA*00*          *00*~\r\nGS*IN*A*B~\nIEA*1*000000905~\r\n";

struct OpensslSigned {
  std::filesystem::path content, signature;
};

OpensslSigned openssl_sign(const std::string& signer, const std::vector<std::string>& extra, bool detached = true) {
  const auto& pki = Pki::get();
  static int counter = 0;
  const auto base = pki.dir() / ("ossl-" + std::to_string(++counter));
  OpensslSigned out{base.string() + ".txt", base.string() + ".p7s"};
  test::write_file(out.content, kContent);
  std::vector<std::string> args{"cms", "-sign", "-binary", "-in", out.content.string(), "-signer",
                                pki.crt(signer).string(), "-inkey", pki.key(signer).string(), "-outform", "DER",
                                "-out", out.signature.string()};
  if (!detached) args.push_back("-nodetach");
  args.insert(args.end(), extra.begin(), extra.end());
  openssl(args);
  return out;
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

}  // namespace

TEST_CASE("verify: detached signatures made by openssl cms", "[cms][verify][interop]") {
  const auto& pki = Pki::get();
  struct Case {
    std::string signer, md, openssl_md;
    std::vector<std::string> keyopt;
    cms::DigestAlg digest;
    cms::SignatureScheme scheme;
  };
  const std::vector<Case> cases{
      {"rsa", "sha256", "sha256", {}, cms::DigestAlg::sha256, cms::SignatureScheme::rsa_pkcs1v15},
      {"rsa", "sha224", "sha224", {}, cms::DigestAlg::sha224, cms::SignatureScheme::rsa_pkcs1v15},
      {"rsa", "sha384", "sha384", {}, cms::DigestAlg::sha384, cms::SignatureScheme::rsa_pkcs1v15},
      {"rsa", "sha512", "sha512", {}, cms::DigestAlg::sha512, cms::SignatureScheme::rsa_pkcs1v15},
      {"rsa", "sha256", "sha256", {"-keyopt", "rsa_padding_mode:pss"}, cms::DigestAlg::sha256,
       cms::SignatureScheme::rsa_pss},
      {"ec256", "sha256", "sha256", {}, cms::DigestAlg::sha256, cms::SignatureScheme::ecdsa},
      {"ec384", "sha384", "sha384", {}, cms::DigestAlg::sha384, cms::SignatureScheme::ecdsa},
  };
  for (const auto& c : cases) {
    INFO(c.signer << " " << c.md << " " << (c.keyopt.empty() ? "" : c.keyopt[1]));
    std::vector<std::string> extra{"-md", c.md};
    extra.insert(extra.end(), c.keyopt.begin(), c.keyopt.end());
    const auto signed_files = openssl_sign(c.signer, extra);
    auto report = cms::verify_detached(kContent, test::read_file(signed_files.signature),
                                       {pki.certificate("rsa2"), pki.certificate(c.signer)});
    INFO((report ? "" : report.error().message()));
    REQUIRE(report);
    REQUIRE(report->signers.size() == 1);
    const auto& s = report->signers[0];
    CHECK(s.digest == c.digest);
    CHECK(s.scheme == c.scheme);
    CHECK(s.subject == "O=payload tests,CN=" + c.signer);
    REQUIRE(s.signing_time);
    CHECK(std::chrono::abs(*s.signing_time - std::chrono::system_clock::now()) < std::chrono::minutes(5));
    // The messageDigest attribute is the AS2 MIC: it must equal openssl's own digest.
    CHECK(hex(s.message_digest) == hex(test::openssl_digest(c.openssl_md, signed_files.content)));
    CHECK(report->micalg() == cms::micalg(c.digest));
  }
}

TEST_CASE("verify: certificates the SignedData carries besides the signer's are neither needed nor trusted", "[cms][verify][interop]") {
  // Verification parses the SignedData without its certificates (OpenSSL 3.0 is slow to
  // decode them, and pinned verification never uses them): with three certificates
  // embedded, detached and enveloping, the result is the same as with one.
  const auto& pki = Pki::get();
  const auto bundle = pki.dir() / "extra-certificates.pem";
  test::write_file(bundle, test::read_file(pki.crt("rsa2")) + test::read_file(pki.crt("ec256")));
  const std::vector<std::string> extra{"-md", "sha256", "-certfile", bundle.string()};
  const auto detached = openssl_sign("rsa", extra);
  const std::string sig = test::read_file(detached.signature);
  const std::string listing = openssl({"cms", "-cmsout", "-print", "-inform", "DER", "-in", detached.signature.string()});
  CHECK(listing.find("CN=rsa2") != std::string::npos);
  CHECK(listing.find("CN=ec256") != std::string::npos);
  auto report = cms::verify_detached(kContent, sig, {pki.certificate("rsa")});
  INFO((report ? "" : report.error().message()));
  REQUIRE(report);
  CHECK(report->signers.at(0).subject == "O=payload tests,CN=rsa");
  CHECK(hex(report->signers.at(0).message_digest) == hex(test::openssl_digest("sha256", detached.content)));

  const auto enveloping = openssl_sign("rsa", extra, false);
  std::string content;
  auto enveloped_report = cms::verify_enveloping(test::read_file(enveloping.signature), content, {pki.certificate("rsa")});
  REQUIRE(enveloped_report);
  CHECK(content == kContent);

  // An embedded certificate is no partner: only the pinned list counts.
  auto other = cms::verify_detached(kContent, sig, {pki.certificate("rsa2"), pki.certificate("ec256")});
  REQUIRE_FALSE(other);
  CHECK(other.error().code() == Errc::no_key);
  std::string flipped = kContent;
  flipped[0] ^= 0x01;
  auto tampered = cms::verify_detached(flipped, sig, {pki.certificate("rsa")});
  REQUIRE_FALSE(tampered);
  CHECK(tampered.error().code() == Errc::bad_signature);
}

TEST_CASE("verify: enveloping and BER indefinite-length SignedData from openssl", "[cms][verify][interop]") {
  const auto& pki = Pki::get();
  const std::vector<cms::Certificate> partners{pki.certificate("rsa")};
  // -stream with DER output makes openssl write indefinite lengths (BER).
  for (bool stream : {false, true}) {
    INFO("stream " << stream);
    const auto files = openssl_sign("rsa", stream ? std::vector<std::string>{"-stream"} : std::vector<std::string>{},
                                    /*detached=*/false);
    const std::string der = test::read_file(files.signature);
    if (stream) CHECK(der.substr(0, 2) == std::string("\x30\x80", 2));
    std::string content;
    auto report = cms::verify_enveloping(der, content, partners);
    INFO((report ? "" : report.error().message()));
    REQUIRE(report);
    CHECK(content == kContent);

    // Streaming form over files.
    auto in = io::InputFile::open(files.signature);
    REQUIRE(in);
    const auto out_path = files.signature.string() + ".out";
    auto out = io::AtomicFile::create(out_path, true);
    REQUIRE(out);
    auto streamed = cms::verify_enveloping(in->input(), out->output(), partners);
    REQUIRE(streamed);
    REQUIRE(out->finish());
    CHECK(test::read_file(out_path) == kContent);
  }
  // Streamed, a tampered SignedData fails and writes nothing.
  {
    const auto files = openssl_sign("rsa", {}, /*detached=*/false);
    std::string der = test::read_file(files.signature);
    const auto at = der.find("ISA*00*");
    REQUIRE(at != std::string::npos);
    der[at] = 'J';
    const auto tampered = pki.dir() / "tampered.p7m";
    test::write_file(tampered, der);
    auto in = io::InputFile::open(tampered);
    REQUIRE(in);
    auto spool = io::SpoolFile::create();
    REQUIRE(spool);
    auto r = cms::verify_enveloping(in->input(), spool->output(), partners);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_signature);
    CHECK(spool->read_all()->empty());
  }
  // A hostile structure field (here a 17 MiB digestAlgorithms SET) is refused, not buffered.
  {
    std::string hostile = std::string("\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\xa0\x80\x30\x80\x02\x01\x01", 20) +
                          std::string("\x31\x84\x01\x10\x00\x00", 6) + std::string(17u << 20, '\0');
    const auto path = pki.dir() / "hostile.p7m";
    test::write_file(path, hostile);
    auto in = io::InputFile::open(path);
    REQUIRE(in);
    auto spool = io::SpoolFile::create();
    REQUIRE(spool);
    auto r = cms::verify_enveloping(in->input(), spool->output(), partners);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_data);
    CHECK(r.error().message().find("too large") != std::string::npos);
  }
  // Detached and enveloping are not interchangeable.
  const auto detached = openssl_sign("rsa", {});
  std::string content;
  auto wrong_form = cms::verify_enveloping(test::read_file(detached.signature), content, partners);
  REQUIRE_FALSE(wrong_form);
  CHECK(wrong_form.error().code() == Errc::bad_data);
}

TEST_CASE("sign: openssl cms -verify accepts our signatures", "[cms][sign][interop]") {
  const auto& pki = Pki::get();
  struct Case {
    std::string signer;
    cms::DigestAlg digest;
    cms::SignatureScheme scheme;
    std::string expect;  // in `openssl cms -cmsout -print`
  };
  const std::vector<Case> cases{
      {"rsa", cms::DigestAlg::sha256, cms::SignatureScheme::rsa_pkcs1v15, "rsaEncryption"},
      {"rsa", cms::DigestAlg::sha512, cms::SignatureScheme::rsa_pss, "rsassaPss"},
      {"rsa", cms::DigestAlg::sha224, cms::SignatureScheme::rsa_pkcs1v15, "sha224"},
      {"ec256", cms::DigestAlg::sha256, cms::SignatureScheme::ecdsa, "ecdsa-with-SHA256"},
      {"ec384", cms::DigestAlg::sha384, cms::SignatureScheme::ecdsa, "ecdsa-with-SHA384"},
  };
  for (const auto& c : cases) {
    INFO(c.signer << " " << cms::micalg(c.digest) << " " << cms::name(c.scheme));
    const auto id = pki.identity(c.signer);
    cms::SignOptions options;
    options.digest = c.digest;
    options.scheme = c.scheme;
    auto sig = cms::sign_detached(kContent, id, options);
    INFO((sig ? "" : sig.error().message()));
    REQUIRE(sig);
    const auto sig_path = pki.dir() / "ours.p7s";
    const auto content_path = pki.dir() / "ours.txt";
    test::write_file(sig_path, *sig);
    test::write_file(content_path, kContent);
    // -noverify: no chain to build; -certfile + -nointern: the signer must be the given certificate.
    openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", sig_path.string(), "-content",
             content_path.string(), "-noverify", "-nointern", "-certfile", pki.crt(c.signer).string(), "-out",
             "/dev/null"});
    const std::string printed = openssl({"cms", "-cmsout", "-print", "-inform", "DER", "-in", sig_path.string()});
    CHECK(printed.find(c.expect) != std::string::npos);
    // RFC 5652 §11 signed attributes, always present.
    CHECK(printed.find("contentType") != std::string::npos);
    CHECK(printed.find("messageDigest") != std::string::npos);
    CHECK(printed.find("signingTime") != std::string::npos);
    // And we read our own, too.
    auto report = cms::verify_detached(kContent, *sig, {id.certificate});
    REQUIRE(report);
    CHECK(report->signers[0].scheme == c.scheme);
    CHECK(report->signers[0].digest == c.digest);
  }

  // Enveloping, in memory (DER) and streamed (BER): openssl extracts the exact content.
  const auto id = pki.identity("rsa");
  auto enveloped = cms::sign_enveloping(kContent, id);
  REQUIRE(enveloped);
  const auto env_path = pki.dir() / "env.p7m";
  test::write_file(env_path, *enveloped);
  const std::string out = openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", env_path.string(),
                                   "-noverify", "-nointern", "-certfile", pki.crt("rsa").string()});
  CHECK(out == kContent);

  const auto big = test::pseudo_random_bytes(3 * 1024 * 1024 + 7);
  const auto big_path = pki.dir() / "big.bin";
  test::write_file(big_path, big);
  auto in = io::InputFile::open(big_path);
  REQUIRE(in);
  const auto streamed_path = pki.dir() / "big.p7m";
  auto sink = io::AtomicFile::create(streamed_path, true);
  REQUIRE(sink);
  REQUIRE(cms::sign_enveloping(in->input(), sink->output(), id));
  REQUIRE(sink->finish());
  const auto extracted = pki.dir() / "big.out";
  openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", streamed_path.string(), "-noverify", "-nointern",
           "-certfile", pki.crt("rsa").string(), "-out", extracted.string()});
  CHECK(test::read_file(extracted) == big);

  // Detached, streamed from a file.
  auto in2 = io::InputFile::open(big_path);
  REQUIRE(in2);
  const auto big_sig = pki.dir() / "big.p7s";
  auto sig_sink = io::AtomicFile::create(big_sig, true);
  REQUIRE(sig_sink);
  REQUIRE(cms::sign_detached(in2->input(), sig_sink->output(), id));
  REQUIRE(sig_sink->finish());
  CHECK(test::read_file(big_sig).size() < 4096);
  openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", big_sig.string(), "-content", big_path.string(),
           "-noverify", "-nointern", "-certfile", pki.crt("rsa").string(), "-out", "/dev/null"});
  auto in3 = io::InputFile::open(big_path);
  REQUIRE(in3);
  auto report = cms::verify_detached(in3->input(), test::read_file(big_sig), {id.certificate});
  REQUIRE(report);
}

TEST_CASE("verify: tampering, wrong signer, policy and expiry give their errors", "[cms][verify][negative]") {
  const auto& pki = Pki::get();
  const auto files = openssl_sign("rsa", {"-md", "sha256"});
  const std::string sig = test::read_file(files.signature);
  const std::vector<cms::Certificate> partners{pki.certificate("rsa")};

  SECTION("one flipped content byte") {
    std::string content = kContent;
    content[content.size() / 2] ^= 0x01;
    auto r = cms::verify_detached(content, sig, partners);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_signature);
  }
  SECTION("one flipped byte in the signature value") {
    std::string bad = sig;
    // The RSA signature value is the last 256 bytes before any unsigned attributes.
    bad[bad.size() - 10] ^= 0x01;
    auto r = cms::verify_detached(kContent, bad, partners);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_signature);
  }
  SECTION("truncated signature") {
    auto r = cms::verify_detached(kContent, sig.substr(0, sig.size() / 2), partners);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_data);
  }
  SECTION("signer is not a partner certificate") {
    auto r = cms::verify_detached(kContent, sig, {pki.certificate("rsa2"), pki.certificate("ec256")});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::no_key);
    CHECK(r.error().message().find("CN=rsa") != std::string::npos);
  }
  SECTION("a partner certificate with the signer's issuer and serial but another key") {
    // Embedded certificates are never trusted: the pinned one's key must verify.
    const auto d = pki.dir();
    const auto serial = openssl({"x509", "-in", pki.crt("rsa").string(), "-noout", "-serial"});
    const std::string serial_hex = serial.substr(serial.find('=') + 1, serial.find_last_not_of("\r\n") - serial.find('='));
    openssl({"req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=rsa/O=payload tests", "-newkey", "rsa:2048",
             "-set_serial", "0x" + serial_hex, "-keyout", (d / "twin.key").string(), "-out", (d / "twin.crt").string()});
    auto twin = cms::Certificate::load(d / "twin.crt");
    REQUIRE(twin);
    // The twin is newer than the signature: skip the signing-time check to reach the crypto.
    cms::VerifyOptions options;
    options.check_signing_time = false;
    auto r = cms::verify_detached(kContent, sig, {*twin}, options);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_signature);
  }
  SECTION("digest not allowed by the policy") {
    cms::VerifyOptions options;
    options.allowed_digests = {cms::DigestAlg::sha384, cms::DigestAlg::sha512};
    auto r = cms::verify_detached(kContent, sig, partners, options);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::unsupported);
  }
  SECTION("MD5 and SHA-1 only when the policy lists them") {
    for (const std::string md : {"md5", "sha1"}) {
      const auto legacy = openssl_sign("rsa", {"-md", md});
      const std::string legacy_sig = test::read_file(legacy.signature);
      auto refused = cms::verify_detached(kContent, legacy_sig, partners);
      REQUIRE_FALSE(refused);
      CHECK(refused.error().code() == Errc::unsupported);
      cms::VerifyOptions options;
      options.allowed_digests.push_back(md == "md5" ? cms::DigestAlg::md5 : cms::DigestAlg::sha1);
      auto accepted = cms::verify_detached(kContent, legacy_sig, partners, options);
      INFO((accepted ? "" : accepted.error().message()));
      REQUIRE(accepted);
      CHECK(accepted->micalg() == md);
    }
  }
  SECTION("certificate no longer valid now") {
    cms::VerifyOptions options;
    options.now = std::chrono::system_clock::now() + std::chrono::hours(24 * 365);
    auto r = cms::verify_detached(kContent, sig, partners, options);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::key_unusable);
    CHECK(r.error().message().find("not valid now") != std::string::npos);
  }
  SECTION("certificate expired before the signing time") {
    const auto expired = openssl_sign("expired", {"-md", "sha256"});
    auto r = cms::verify_detached(kContent, test::read_file(expired.signature), {pki.certificate("expired")});
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::key_unusable);
    CHECK(r.error().message().find("signing time") != std::string::npos);
  }
}

TEST_CASE("sign: the policy refuses MD5/SHA-1 and mismatched keys", "[cms][sign][negative]") {
  const auto& pki = Pki::get();
  const auto id = pki.identity("rsa");
  cms::SignOptions options;
  options.digest = cms::DigestAlg::sha1;
  auto refused = cms::sign_detached(kContent, id, options);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::usage);
  options.allow_legacy_digest = true;
  auto allowed = cms::sign_detached(kContent, id, options);
  REQUIRE(allowed);
  cms::VerifyOptions verify_options;
  verify_options.allowed_digests = {cms::DigestAlg::sha1};
  auto report = cms::verify_detached(kContent, *allowed, {id.certificate}, verify_options);
  REQUIRE(report);
  CHECK(report->micalg() == "sha1");

  const cms::Identity mismatched{pki.certificate("rsa2"), id.key};
  auto r = cms::sign_detached(kContent, mismatched);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::usage);
  cms::SignOptions pss_on_ec;
  pss_on_ec.scheme = cms::SignatureScheme::rsa_pss;
  auto r2 = cms::sign_detached(kContent, pki.identity("ec256"), pss_on_ec);
  REQUIRE_FALSE(r2);
  CHECK(r2.error().code() == Errc::usage);
}
