// payload_sig in process (also what the sanitizer build runs): digest names, recognition
// of every form, raw signatures made and checked against openssl's, the certificate
// checks at pinned times, and verify_signature() over CMS and raw inputs.
#include <catch2/catch.hpp>

#include <chrono>

#include <payload/sig/verify_any.h>

#include "cms/cms_fixture.h"
#include "sig/sig_pki.h"
#include "support/pgp_fixture.h"
#include "support/temp_dir.h"

using namespace payload;
using namespace payload::test;

namespace {

std::chrono::system_clock::time_point utc(int year) {
  // Jan 1 of `year`, 00:00 UTC (days from civil, 1970-based).
  const int y = year - 1;
  const long days = 365L * (y - 1969) + (y / 4 - 1969 / 4) - (y / 100 - 1969 / 100) + (y / 400 - 1969 / 400);
  return std::chrono::system_clock::time_point(std::chrono::seconds(days * 86400L));
}

Result<sig::SignatureCheck> raw_check(const std::filesystem::path& file, const std::string& signature, const cms::Certificate& cert,
                                      const sig::VerifyOptions& options = {}) {
  auto in = io::InputFile::open(file);
  REQUIRE(in);
  return sig::verify_raw(in->input(), signature, sig::PublicKey::of(cert), cert, options);
}

}  // namespace

TEST_CASE("sig digest names: SHA-2 in every spelling, nothing else", "[sig]") {
  CHECK(sig::parse_digest("sha256") == sig::Digest::sha256);
  CHECK(sig::parse_digest("SHA-384") == sig::Digest::sha384);
  CHECK(sig::parse_digest("sha2-512") == sig::Digest::sha512);
  CHECK(sig::parse_digest("sha_224") == sig::Digest::sha224);
  CHECK_FALSE(sig::parse_digest("sha1"));
  CHECK_FALSE(sig::parse_digest("md5"));
  CHECK_FALSE(sig::parse_digest("sha3-256"));
}

TEST_CASE("sig recognition: signed files and detached signatures from their bytes", "[sig]") {
  using K = sig::SignatureKind;
  CHECK(sig::detect_signed_file("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n") == K::openpgp_cleartext);
  CHECK(sig::detect_signed_file("\n-----BEGIN PGP MESSAGE-----\n") == K::openpgp_inline);
  CHECK(sig::detect_signed_file("-----BEGIN PKCS7-----\nMIIB\n") == K::cms_attached);
  CHECK(sig::detect_signed_file("MIME-Version: 1.0\nContent-Type: multipart/signed; protocol=\"application/x-pkcs7-signature\"; "
                                "boundary=\"b\"\n\n--b\n") == K::smime_multipart);
  CHECK(sig::detect_signed_file("Content-Type: application/pkcs7-mime; smime-type=signed-data\n\nMIIB\n") == K::cms_attached);
  // One-pass signature packet (new format tag 4, 13 bytes), then literal data.
  const std::string one_pass("\xc4\x0d\x03\x00\x08\x01\x01\x02\x03\x04\x05\x06\x07\x08\x01", 15);
  CHECK(sig::detect_signed_file(one_pass) == K::openpgp_inline);
  // A literal data packet with a format octet that is none of RFC 9580's.
  CHECK_FALSE(sig::detect_signed_file(std::string("\xcb\x05zzzzz", 7)));
  // Binary files are not taken for signed messages (the detached signature beside them counts).
  int taken = 0;
  for (unsigned seed = 1; seed <= 2000; ++seed)
    if (sig::detect_signed_file(pseudo_random_bytes(4096, seed))) ++taken;
  CHECK(taken == 0);
  CHECK_FALSE(sig::detect_signed_file("plain text\n"));
  CHECK_FALSE(sig::detect_signed_file("Subject: hello\n\nbody\n"));

  CHECK(sig::detect_detached_signature("-----BEGIN PGP SIGNATURE-----\n", {}) == K::openpgp_detached);
  CHECK(sig::detect_detached_signature("-----BEGIN CMS-----\n", {}) == K::cms_detached);
  const std::string signature_packet("\xc2\x03\x04\x00\x08", 5);
  CHECK(sig::detect_detached_signature(signature_packet, {}) == K::openpgp_detached);
  const std::string blob(256, '\x11');
  CHECK(sig::detect_detached_signature(blob, {256}) == K::raw_rsa_pss);
  CHECK_FALSE(sig::detect_detached_signature(blob, {384}));
  CHECK_FALSE(sig::detect_detached_signature("garbage", {256}));
}

TEST_CASE("sig raw: sign_raw and verify_raw agree with openssl dgst", "[sig]") {
  TempDir dir;
  const auto data = dir / "data.bin";
  write_file(data, pseudo_random_bytes(700000, 11));  // several read chunks
  const auto id = Pki::get().identity("rsa");
  for (const auto padding : {sig::Padding::pss, sig::Padding::pkcs1v15})
    for (const auto digest : {sig::Digest::sha224, sig::Digest::sha256, sig::Digest::sha384, sig::Digest::sha512}) {
      auto in = io::InputFile::open(data);
      REQUIRE(in);
      auto signature = sig::sign_raw(in->input(), id.key, {padding, digest, {}});
      REQUIRE(signature);
      write_file(dir / "data.sig", *signature);
      std::vector<std::string> args{"dgst", "-" + std::string(sig::name(digest)), "-verify", (dir / "rsa.pub").string(),
                                    "-signature", (dir / "data.sig").string()};
      if (padding == sig::Padding::pss) args.insert(args.end(), {"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"});
      args.push_back(data.string());
      openssl({"pkey", "-in", Pki::get().key("rsa").string(), "-pubout", "-out", (dir / "rsa.pub").string()});
      CHECK(openssl(args).find("Verified OK") != std::string::npos);
      auto check = raw_check(data, *signature, id.certificate);
      REQUIRE(check);
      CHECK(check->good());
      CHECK(check->kind == (padding == sig::Padding::pss ? sig::SignatureKind::raw_rsa_pss : sig::SignatureKind::raw_rsa_pkcs1));
      CHECK(check->digest == sig::name(digest));
    }
}

TEST_CASE("sig raw: PSS signatures whose block also unmasks under another digest still verify", "[sig]") {
  // A PSS block unmasked with the wrong digest's MGF1 looks well-formed about once in 128
  // signatures; taking the first digest that decodes would call those signatures bad.
  // 800 signatures leave an implementation that does so less than a 0.2 % chance to pass.
  TempDir dir;
  write_file(dir / "data.bin", "purchase order 12\n");
  const auto id = Pki::get().identity("rsa");
  int good = 0;
  const int total = 800;
  for (int i = 0; i < total; ++i) {
    const auto digest = i % 3 == 0 ? sig::Digest::sha384 : i % 3 == 1 ? sig::Digest::sha512 : sig::Digest::sha224;
    auto in = io::InputFile::open(dir / "data.bin");
    REQUIRE(in);
    auto signature = sig::sign_raw(in->input(), id.key, {sig::Padding::pss, digest, {}});
    REQUIRE(signature);
    auto check = raw_check(dir / "data.bin", *signature, id.certificate);
    REQUIRE(check);
    if (check->good() && check->digest == sig::name(digest)) ++good;
  }
  CHECK(good == total);
}

TEST_CASE("sig certificate checks at pinned times", "[sig]") {
  const auto expired = Pki::get().certificate("expired");  // 2020-01-01 .. 2021-01-01
  CHECK(sig::check_certificate(expired, utc(2020) + std::chrono::hours(24 * 100)) == sig::CertificateProblem::none);
  CHECK(sig::check_certificate(expired, utc(2019)) == sig::CertificateProblem::not_yet_valid);
  CHECK(sig::check_certificate(expired, utc(2022)) == sig::CertificateProblem::expired);
  auto nosign = cms::Certificate::load(SigPki::get().crt("nosign"));
  REQUIRE(nosign);
  CHECK(sig::check_certificate(*nosign, std::chrono::system_clock::now()) == sig::CertificateProblem::key_usage);
  CHECK(sig::describe(sig::CertificateProblem::expired, expired).find("expired on 2021-01-01") != std::string::npos);

  // A raw signature by the expired certificate's key is good when checked inside its validity.
  TempDir dir;
  write_file(dir / "data.bin", "order 7\n");
  openssl({"dgst", "-sha256", "-sign", Pki::get().key("expired").string(), "-out", (dir / "data.sig").string(),
           (dir / "data.bin").string()});
  sig::VerifyOptions then;
  then.now = utc(2020) + std::chrono::hours(24 * 10);
  auto inside = raw_check(dir / "data.bin", read_file(dir / "data.sig"), expired, then);
  REQUIRE(inside);
  CHECK(inside->good());
  auto now = raw_check(dir / "data.bin", read_file(dir / "data.sig"), expired);
  REQUIRE(now);
  CHECK(now->status == sig::CheckStatus::certificate_expired);
  CHECK(now->verdict().error().code() == Errc::key_unusable);
}

TEST_CASE("sig verify_signature: CMS and raw inputs, anchors and errors", "[sig]") {
  TempDir dir;
  const auto data = dir / "data.edi";
  write_file(data, "UNB+UNOC:3+A+B'\r\n");
  sig::TrustAnchors anchors;
  anchors.certificates = {Pki::get().crt("rsa2"), Pki::get().crt("rsa")};

  openssl({"cms", "-sign", "-binary", "-in", data.string(), "-signer", Pki::get().crt("rsa").string(), "-inkey",
           Pki::get().key("rsa").string(), "-outform", "DER", "-out", (dir / "data.edi.p7s").string()});
  auto cms_check = sig::verify_signature(data, std::nullopt, anchors);  // found beside the file
  REQUIRE(cms_check);
  CHECK(cms_check->good());
  CHECK(cms_check->kind == sig::SignatureKind::cms_detached);
  CHECK(cms_check->signature == dir / "data.edi.p7s");

  openssl({"dgst", "-sha384", "-sign", Pki::get().key("rsa").string(), "-sigopt", "rsa_padding_mode:pss", "-out",
           (dir / "raw.sig").string(), data.string()});
  auto raw = sig::verify_signature(data, dir / "raw.sig", anchors);
  REQUIRE(raw);
  CHECK(raw->good());
  CHECK(raw->digest == "sha384");

  sig::TrustAnchors none;
  auto no_anchor = sig::verify_signature(data, dir / "data.edi.p7s", none);
  REQUIRE_FALSE(no_anchor);
  CHECK(no_anchor.error().code() == Errc::no_key);
  auto unrecognised = sig::verify_signature(data, dir / "raw.sig", none);
  REQUIRE_FALSE(unrecognised);
  CHECK(unrecognised.error().code() == Errc::bad_data);
  std::filesystem::remove(dir / "data.edi.p7s");
  auto unsigned_file = sig::verify_signature(data, std::nullopt, anchors);
  REQUIRE_FALSE(unsigned_file);
  CHECK(unsigned_file.error().code() == Errc::bad_signature);
}

TEST_CASE("sig verify_signature: OpenPGP made by gpg, against key files and required signers", "[sig]") {
  GpgHome home;
  const auto fpr = gpg_generate(home.path(), "Partner <p@example.org>");
  TempDir dir;
  write_file(dir / "key.asc", gpg(home.path(), {"--armor", "--export", fpr}));
  write_file(dir / "data.txt", "line one\nline two\n");
  gpg(home.path(), {"--detach-sign", "--local-user", fpr, "--output", (dir / "data.txt.sig").string(), (dir / "data.txt").string()});
  gpg(home.path(), {"--clearsign", "--local-user", fpr, "--output", (dir / "clear.asc").string(), (dir / "data.txt").string()});
  sig::TrustAnchors anchors;
  anchors.pgp_key_files = {dir / "key.asc"};

  auto detached = sig::verify_signature(dir / "data.txt", std::nullopt, anchors);
  REQUIRE(detached);
  CHECK(detached->good());
  CHECK(detached->kind == sig::SignatureKind::openpgp_detached);
  CHECK(detached->signer.find(fpr) != std::string::npos);
  auto clear = sig::verify_signature(dir / "clear.asc", std::nullopt, anchors);
  REQUIRE(clear);
  CHECK(clear->good());
  CHECK(clear->kind == sig::SignatureKind::openpgp_cleartext);

  anchors.pgp_signers = {std::string(40, 'A')};
  auto not_required = sig::verify_signature(dir / "data.txt", dir / "data.txt.sig", anchors);
  REQUIRE(not_required);
  CHECK(not_required->status == sig::CheckStatus::unknown_signer);
  CHECK(not_required->verdict().error().code() == Errc::no_key);

  sig::TrustAnchors nothing;
  auto no_keys = sig::verify_signature(dir / "data.txt", dir / "data.txt.sig", nothing);
  REQUIRE_FALSE(no_keys);
  CHECK(no_keys.error().code() == Errc::no_key);
}
