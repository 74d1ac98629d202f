// `payload verify FILE [SIG]`: one command for every signature a partner may send,
// made by the other implementations themselves: gpg (detached binary and armored,
// inline, clearsigned), `openssl cms` (attached and detached; DER, PEM and S/MIME) and
// `openssl dgst` (raw RSA); and the failures: another signer, a changed file, no
// signature, garbage, an expired certificate.
#include <catch2/catch.hpp>

#include "sig/sig_cli.h"
#include "support/pgp_fixture.h"

using namespace payload::test;

namespace {

const std::string kText = "UNA:+.? 'UNB+UNOC:3+PARTNER+US+260101:1200+7'\nLIN+1++4000862141404:SRS'\n";

// A partner with a gpg key, its public key exported for us, and a stranger with another key.
struct PgpPartner {
  PgpPartner() {
    fpr = gpg_generate(home.path(), "Partner <partner@example.org>");
    stranger_fpr = gpg_generate(stranger.path(), "Stranger <x@example.org>");
    write_file(dir / "partner.asc", gpg(home.path(), {"--armor", "--export", fpr}));
    write_file(dir / "stranger.asc", gpg(stranger.path(), {"--armor", "--export", stranger_fpr}));
    write_file(dir / "data.txt", kText);
  }
  [[nodiscard]] std::string operator/(const std::string& name) const { return (dir / name).string(); }
  TempDir dir;
  GpgHome home;
  GpgHome stranger;
  std::string fpr;
  std::string stranger_fpr;
};

}  // namespace

TEST_CASE("verify: OpenPGP signatures made by gpg, detached, inline and clearsigned", "[sig][cli][interop]") {
  PgpPartner p;
  struct Case {
    std::string name;
    std::vector<std::string> gpg_args;
    std::string output;
    bool detached;
    std::string kind;
  };
  const std::vector<Case> cases{
      {"detached binary", {"--detach-sign"}, "data.txt.sig", true, "openpgp-detached"},
      {"detached armored", {"--detach-sign", "--armor"}, "data.txt.asc", true, "openpgp-detached"},
      {"inline binary", {"--sign"}, "data.txt.gpg", false, "openpgp-inline"},
      {"inline binary zlib", {"--sign", "--compress-algo", "zlib"}, "data.txt.gpg", false, "openpgp-inline"},
      {"inline binary bzip2", {"--sign", "--compress-algo", "bzip2"}, "data.txt.gpg", false, "openpgp-inline"},
      {"inline binary uncompressed", {"--sign", "--compress-algo", "none"}, "data.txt.gpg", false, "openpgp-inline"},
      {"inline armored", {"--sign", "--armor"}, "data.txt.asc", false, "openpgp-inline"},
      {"clearsigned", {"--clearsign"}, "data.txt.asc", false, "openpgp-cleartext"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto args = c.gpg_args;
      args.insert(args.end(), {"--local-user", p.fpr, "--output", p / c.output, p / "data.txt"});
      gpg(p.home.path(), args);
      std::vector<std::string> target = c.detached ? std::vector<std::string>{p / "data.txt", p / c.output}
                                                   : std::vector<std::string>{p / c.output};
      auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> argv{"verify"};
        argv.insert(argv.end(), target.begin(), target.end());
        argv.insert(argv.end(), extra.begin(), extra.end());
        return cli(argv);
      };
      auto good = with({"--signer-file", p / "partner.asc", "--json"});
      CHECK(good.exit_code == 0);
      CHECK(contains(good.out, "\"kind\":\"" + c.kind + "\""));
      CHECK(contains(good.out, p.fpr));
      CHECK(with({"--signer-file", p / "partner.asc", "--require-signer", p.fpr}).exit_code == 0);
      // Not the partner's key: the signer is unknown.
      auto stranger = with({"--signer-file", p / "stranger.asc"});
      CHECK(stranger.exit_code == kNoKey);
      CHECK(lines(stranger.err) == 1);
      // A good signature, but not by the signer required.
      CHECK(with({"--signer-file", p / "partner.asc", "--signer-file", p / "stranger.asc", "--require-signer", p.stranger_fpr})
                .exit_code == kNoKey);
      if (c.detached) {
        write_file(p.dir / "data.txt", kText + "tampered\n");
        auto bad = with({"--signer-file", p / "partner.asc"});
        CHECK(bad.exit_code == kBadSignature);
        CHECK(contains(bad.err, "bad"));
      }
    }
  }
  SECTION("detached signature found beside the file") {
    gpg(p.home.path(), {"--detach-sign", "--armor", "--local-user", p.fpr, "--output", p / "data.txt.asc", p / "data.txt"});
    auto r = cli({"verify", p / "data.txt", "--signer-file", p / "partner.asc", "--json"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "data.txt.asc"));
  }
}

TEST_CASE("verify: CMS signatures made by openssl cms, attached and detached, DER, PEM and S/MIME", "[sig][cli][interop]") {
  TempDir dir;
  write_file(dir / "data.edi", kText);
  const auto data = (dir / "data.edi").string();
  const auto out = (dir / "signed").string();
  struct Case {
    std::string name;
    std::vector<std::string> openssl_args;
    bool detached;  // verified as FILE SIG
    std::string kind;
  };
  const std::vector<Case> cases{
      {"detached DER", {"-binary", "-outform", "DER"}, true, "cms-detached"},
      {"detached PEM", {"-binary", "-outform", "PEM"}, true, "cms-detached"},
      {"attached DER", {"-binary", "-nodetach", "-outform", "DER"}, false, "cms-attached"},
      {"attached PEM", {"-binary", "-nodetach", "-outform", "PEM"}, false, "cms-attached"},
      {"attached S/MIME", {"-nodetach", "-outform", "SMIME"}, false, "cms-attached"},
      {"S/MIME multipart/signed", {"-outform", "SMIME"}, false, "smime-multipart-signed"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      std::vector<std::string> args{"cms", "-sign", "-in", data, "-signer", crt("rsa"), "-inkey", key("rsa"), "-md", "sha256",
                                    "-out", out};
      args.insert(args.end(), c.openssl_args.begin(), c.openssl_args.end());
      openssl(args);
      const std::vector<std::string> target = c.detached ? std::vector<std::string>{data, out} : std::vector<std::string>{out};
      auto with = [&](const std::string& cert, const std::string& json) {
        std::vector<std::string> argv{"verify"};
        argv.insert(argv.end(), target.begin(), target.end());
        argv.insert(argv.end(), {"--cert", cert});
        if (!json.empty()) argv.push_back(json);
        return cli(argv);
      };
      auto good = with(crt("rsa"), "--json");
      CHECK(good.exit_code == 0);
      CHECK(contains(good.out, "\"kind\":\"" + c.kind + "\""));
      CHECK(contains(good.out, "CN=rsa"));
      CHECK(contains(good.out, "\"digest\":\"sha256\""));
      auto other = with(crt("rsa2"), "");
      CHECK(other.exit_code == kNoKey);
      CHECK(lines(other.err) == 1);
      if (c.detached) {
        write_file(dir / "data.edi", kText + "tampered");
        CHECK(with(crt("rsa"), "").exit_code == kBadSignature);
      }
    }
  }
  SECTION("detached S/MIME signature entity (application/pkcs7-signature, base64)") {
    openssl({"cms", "-sign", "-binary", "-in", data, "-signer", crt("rsa"), "-inkey", key("rsa"), "-outform", "DER", "-out", out});
    write_file(dir / "data.edi.p7s", "Content-Type: application/pkcs7-signature; name=smime.p7s\r\n"
                                     "Content-Transfer-Encoding: base64\r\n\r\n" +
                                         openssl({"base64", "-in", out}));
    auto r = cli({"verify", data, "--cert", crt("rsa"), "--json"});  // found beside the file
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "\"kind\":\"cms-detached\""));
    CHECK(contains(r.out, "data.edi.p7s"));
  }
  SECTION("expired signer certificate") {
    openssl({"cms", "-sign", "-binary", "-in", data, "-signer", crt("expired"), "-inkey", key("expired"), "-outform", "DER",
             "-out", out});
    auto r = cli({"verify", data, out, "--cert", crt("expired"), "--json"});
    CHECK(r.exit_code == kKeyUnusable);
    CHECK(contains(r.out, "\"status\":\"certificate-expired\""));
  }
  SECTION("signer certificate not yet valid") {
    openssl({"cms", "-sign", "-binary", "-in", data, "-signer", SigPki::get().crt("future").string(), "-inkey",
             SigPki::get().key("future").string(), "-outform", "DER", "-out", out});
    auto r = cli({"verify", data, out, "--cert", SigPki::get().crt("future").string(), "--cert", crt("rsa"), "--json"});
    CHECK(r.exit_code == kKeyUnusable);
    CHECK(contains(r.out, "\"status\":\"certificate-not-yet-valid\""));
  }
  SECTION("signer certificate without digitalSignature") {
    openssl({"cms", "-sign", "-binary", "-in", data, "-signer", SigPki::get().crt("nosign").string(), "-inkey",
             SigPki::get().key("nosign").string(), "-outform", "DER", "-out", out});
    auto r = cli({"verify", data, out, "--cert", SigPki::get().crt("nosign").string(), "--json"});
    CHECK(r.exit_code == kKeyUnusable);
    CHECK(contains(r.out, "\"status\":\"certificate-key-usage\""));
  }
}

TEST_CASE("verify: raw RSA signatures made by openssl dgst", "[sig][cli][interop]") {
  TempDir dir;
  write_file(dir / "data.bin", pseudo_random_bytes(50000, 9));
  const auto data = (dir / "data.bin").string();
  const auto pub = public_key(dir, "rsa");
  SECTION("PSS beside the file, checked with the certificate among others") {
    openssl({"dgst", "-sha256", "-sign", key("rsa"), "-sigopt", "rsa_padding_mode:pss", "-out", data + ".sig", data});
    auto r = cli({"verify", data, "--cert", crt("rsa2"), "--cert", crt("rsa"), "--json"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "\"kind\":\"raw-rsa-pss\""));
    CHECK(contains(r.out, "CN=rsa"));
    CHECK_FALSE(contains(r.out, "CN=rsa2"));
  }
  SECTION("PKCS#1 v1.5 with a bare public key, and another key") {
    openssl({"dgst", "-sha512", "-sign", key("rsa"), "-out", (dir / "data.sig").string(), data});
    auto r = cli({"verify", data, (dir / "data.sig").string(), "--pubkey", pub, "--json"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "\"kind\":\"raw-rsa-pkcs1v15\""));
    CHECK(contains(r.out, "\"digest\":\"sha512\""));
    auto other = cli({"verify", data, (dir / "data.sig").string(), "--cert", crt("rsa2")});
    CHECK(other.exit_code == kBadSignature);
    CHECK(contains(other.err, "none of"));
  }
  SECTION("expired certificate") {
    openssl({"dgst", "-sha256", "-sign", key("expired"), "-sigopt", "rsa_padding_mode:pss", "-out", data + ".sig", data});
    auto r = cli({"verify", data, "--cert", crt("expired")});
    CHECK(r.exit_code == kKeyUnusable);
    CHECK(contains(r.err, "expired"));
  }
}

TEST_CASE("verify: no signature, a missing or unrecognised signature file", "[sig][cli]") {
  TempDir dir;
  write_file(dir / "data.bin", "not signed\n");
  const auto data = (dir / "data.bin").string();
  auto none = cli({"verify", data, "--cert", crt("rsa")});
  CHECK(none.exit_code == kBadSignature);
  CHECK(contains(none.err, "no signature"));
  CHECK(lines(none.err) == 1);
  auto missing = cli({"verify", data, (dir / "data.bin.p7s").string(), "--cert", crt("rsa")});
  CHECK(missing.exit_code == kIo);
  write_file(dir / "garbage.sig", pseudo_random_bytes(100, 5));
  auto garbage = cli({"verify", data, (dir / "garbage.sig").string(), "--cert", crt("rsa"), "--json"});
  CHECK(garbage.exit_code == kBadData);
  CHECK(contains(garbage.out, "\"exit_code\":3"));
}
