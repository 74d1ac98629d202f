// `payload sig sign | verify`: raw RSA signatures cross-checked both ways with
// `openssl dgst` and `openssl pkeyutl` (PSS and PKCS#1 v1.5, SHA-2), and the failures a
// partner meets: a changed file, another key, a damaged signature, a certificate that is
// expired, not yet valid or not for signing, a legacy digest.
#include <catch2/catch.hpp>

#include "sig/sig_cli.h"

using namespace payload::test;

namespace {

struct Scheme {
  std::string flag;                // payload: --pss / --pkcs1
  std::vector<std::string> sigopt; // openssl dgst
  std::vector<std::string> pkeyopt;
};

const std::vector<Scheme> kSchemes{
    {"--pss", {"-sigopt", "rsa_padding_mode:pss"}, {"-pkeyopt", "rsa_padding_mode:pss"}},
    {"--pkcs1", {}, {"-pkeyopt", "rsa_padding_mode:pkcs1"}},
};
const std::vector<std::string> kDigests{"sha256", "sha384", "sha512"};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("sig sign: openssl dgst and pkeyutl verify what payload signs", "[sig][cli][interop]") {
  TempDir dir;
  write_file(dir / "data.bin", pseudo_random_bytes(300000));
  const auto data = (dir / "data.bin").string();
  const auto pub = public_key(dir, "rsa");
  for (const auto& scheme : kSchemes)
    for (const auto& digest : kDigests) {
      SECTION(scheme.flag + " " + digest) {
        const auto sig = (dir / "data.sig").string();
        auto signed_ = cli({"sig", "sign", "--key", key("rsa"), scheme.flag, "--digest", digest, data, "-o", sig});
        REQUIRE(signed_.exit_code == 0);
        CHECK(read_file(sig).size() == 256);
        CHECK(contains(openssl(concat({"dgst", "-" + digest, "-verify", pub, "-signature", sig}, scheme.sigopt), read_file(data)),
                       "Verified OK"));
        // pkeyutl over the digest: padding and digest named, PSS salt exactly the digest's length.
        write_file(dir / "digest.bin", openssl_digest(digest, data));
        auto opts = concat(scheme.pkeyopt, {"-pkeyopt", "digest:" + digest});
        if (scheme.flag == "--pss") opts = concat(opts, {"-pkeyopt", "rsa_pss_saltlen:digest"});
        CHECK(contains(openssl(concat({"pkeyutl", "-verify", "-pubin", "-inkey", pub, "-in", (dir / "digest.bin").string(),
                                       "-sigfile", sig},
                                      opts)),
                       "Signature Verified Successfully"));
      }
    }
}

TEST_CASE("sig verify: payload verifies what openssl dgst and pkeyutl sign", "[sig][cli][interop]") {
  TempDir dir;
  write_file(dir / "data.bin", pseudo_random_bytes(200000, 7));
  const auto data = (dir / "data.bin").string();
  const auto pub = public_key(dir, "rsa");
  const auto sig = (dir / "data.sig").string();
  for (const auto& scheme : kSchemes)
    for (const auto& digest : kDigests) {
      SECTION("openssl dgst " + scheme.flag + " " + digest) {
        // openssl's own PSS default: the longest salt that fits.
        openssl(concat({"dgst", "-" + digest, "-sign", key("rsa"), "-out", sig}, scheme.sigopt), read_file(data));
        auto by_cert = cli({"sig", "verify", "--cert", crt("rsa"), data, sig, "--json"});
        CHECK(by_cert.exit_code == 0);
        CHECK(contains(by_cert.out, "\"status\":\"good\""));
        CHECK(contains(by_cert.out, "\"digest\":\"" + digest + "\""));
        CHECK(contains(by_cert.out, "CN=rsa"));
        CHECK(cli({"sig", "verify", "--pubkey", pub, scheme.flag, "--digest", digest, data, sig}).exit_code == 0);
        // The other padding, or another digest, is refused when it is required.
        CHECK(cli({"sig", "verify", "--pubkey", pub, scheme.flag == "--pss" ? "--pkcs1" : "--pss", data, sig}).exit_code ==
              kBadSignature);
        CHECK(cli({"sig", "verify", "--pubkey", pub, "--digest", digest == "sha256" ? "sha512" : "sha256", data, sig}).exit_code ==
              kBadSignature);
      }
      SECTION("openssl pkeyutl " + scheme.flag + " " + digest) {
        write_file(dir / "digest.bin", openssl_digest(digest, data));
        openssl(concat({"pkeyutl", "-sign", "-inkey", key("rsa"), "-in", (dir / "digest.bin").string(), "-out", sig, "-pkeyopt",
                        "digest:" + digest},
                       scheme.pkeyopt));
        auto result = cli({"sig", "verify", "--pubkey", pub, data, sig});
        CHECK(result.exit_code == 0);
        CHECK(contains(result.err, scheme.flag == "--pss" ? "raw-rsa-pss" : "raw-rsa-pkcs1v15"));
      }
    }
}

TEST_CASE("sig verify: a changed file, another key or a damaged signature is a bad signature", "[sig][cli]") {
  TempDir dir;
  write_file(dir / "data.bin", pseudo_random_bytes(100000, 3));
  const auto data = (dir / "data.bin").string();
  const auto sig = (dir / "data.bin.sig").string();
  REQUIRE(cli({"sig", "sign", "--key", key("rsa"), data}).exit_code == 0);  // default output FILE.sig
  REQUIRE(cli({"sig", "verify", "--cert", crt("rsa"), data}).exit_code == 0);

  SECTION("changed file") {
    write_file(dir / "data.bin", pseudo_random_bytes(100000, 4));
    auto r = cli({"sig", "verify", "--cert", crt("rsa"), data, sig});
    CHECK(r.exit_code == kBadSignature);
    CHECK(lines(r.err) == 1);
    CHECK(contains(r.err, "does not match"));
  }
  SECTION("another key") {
    auto r = cli({"sig", "verify", "--cert", crt("rsa2"), data, sig});
    CHECK(r.exit_code == kBadSignature);
    CHECK(contains(r.err, "not made with"));
  }
  SECTION("damaged or truncated signature") {
    std::string bytes = read_file(sig);
    bytes[100] = static_cast<char>(bytes[100] ^ 0x40);
    write_file(dir / "damaged.sig", bytes);
    CHECK(cli({"sig", "verify", "--cert", crt("rsa"), data, (dir / "damaged.sig").string()}).exit_code == kBadSignature);
    write_file(dir / "short.sig", bytes.substr(0, 200));
    auto r = cli({"sig", "verify", "--cert", crt("rsa"), data, (dir / "short.sig").string()});
    CHECK(r.exit_code == kBadSignature);
    CHECK(contains(r.err, "200 bytes"));
  }
  SECTION("missing signature file") {
    auto r = cli({"sig", "verify", "--cert", crt("rsa"), data, (dir / "none.sig").string()});
    CHECK(r.exit_code == kIo);
    CHECK(lines(r.err) == 1);
  }
}

TEST_CASE("sig verify: expired, not yet valid and non-signing certificates are unusable", "[sig][cli]") {
  TempDir dir;
  write_file(dir / "data.bin", "invoice 42\n");
  const auto data = (dir / "data.bin").string();
  struct Case {
    std::string key, crt, status;
  };
  const std::vector<Case> cases{{key("expired"), crt("expired"), "certificate-expired"},
                                {SigPki::get().key("future").string(), SigPki::get().crt("future").string(), "certificate-not-yet-valid"},
                                {SigPki::get().key("nosign").string(), SigPki::get().crt("nosign").string(), "certificate-key-usage"}};
  for (const auto& c : cases) {
    SECTION(c.status) {
      const auto sig = (dir / "data.sig").string();
      openssl({"dgst", "-sha256", "-sign", c.key, "-sigopt", "rsa_padding_mode:pss", "-out", sig, data});
      auto r = cli({"sig", "verify", "--cert", c.crt, data, sig, "--json"});
      CHECK(r.exit_code == kKeyUnusable);
      CHECK(contains(r.out, "\"status\":\"" + c.status + "\""));
      CHECK(contains(r.out, "\"exit_code\":6"));
      // The same key without its certificate has no dates to check.
      openssl({"x509", "-in", c.crt, "-pubkey", "-noout", "-out", (dir / "k.pub").string()});
      CHECK(cli({"sig", "verify", "--pubkey", (dir / "k.pub").string(), data, sig}).exit_code == 0);
    }
  }
}

TEST_CASE("sig: SHA-1, non-RSA keys and existing outputs are refused and nothing is written", "[sig][cli]") {
  TempDir dir;
  write_file(dir / "data.bin", "payload\n");
  const auto data = (dir / "data.bin").string();
  const auto out = (dir / "out.sig").string();
  auto sha1 = cli({"sig", "sign", "--key", key("rsa"), "--digest", "sha1", data, "-o", out});
  CHECK(sha1.exit_code == kUsage);
  CHECK(contains(sha1.err, "SHA-2"));
  auto ec = cli({"sig", "sign", "--key", key("ec256"), data, "-o", out});
  CHECK(ec.exit_code == kUsage);
  CHECK(contains(ec.err, "RSA"));
  CHECK_FALSE(std::filesystem::exists(out));
  write_file(out, "keep");
  CHECK(cli({"sig", "sign", "--key", key("rsa"), data, "-o", out}).exit_code == kIo);
  CHECK(read_file(out) == "keep");
  CHECK(cli({"sig", "sign", "--key", key("rsa"), data, "-o", out, "--force"}).exit_code == 0);
  CHECK(read_file(out).size() == 256);
  // A signature openssl made with SHA-1 is recognised and refused by policy.
  openssl({"dgst", "-sha1", "-sign", key("rsa"), "-out", out, data});
  auto legacy = cli({"sig", "verify", "--cert", crt("rsa"), data, out});
  CHECK(legacy.exit_code == kUnsupported);
  CHECK(contains(legacy.err, "sha1"));
  // No temporary (".part-...") left behind by the refused runs.
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  CHECK(files == std::vector<std::string>{"data.bin", "out.sig"});
}

TEST_CASE("sig: an encrypted key with its passphrase, and a nonRepudiation-only certificate", "[sig][cli]") {
  TempDir dir;
  write_file(dir / "data.bin", "statement 2026-12\n");
  write_file(dir / "pass.txt", "secret words\n");
  const auto data = (dir / "data.bin").string();
  const auto key_file = SigPki::get().key("encrypted");
  auto no_pass = cli({"sig", "sign", "--key", key_file.string(), data});
  CHECK(no_pass.exit_code == 7);
  CHECK_FALSE(std::filesystem::exists(data + ".sig"));
  write_file(dir / "wrong.txt", "other words\n");
  CHECK(cli({"sig", "sign", "--key", key_file.string(), "--passphrase-file", (dir / "wrong.txt").string(), data}).exit_code == 7);
  REQUIRE(cli({"sig", "sign", "--key", key_file.string(), "--passphrase-file", (dir / "pass.txt").string(), data}).exit_code == 0);
  // nonRepudiation alone allows signing (RFC 5280 4.2.1.3).
  auto r = cli({"sig", "verify", "--cert", SigPki::get().crt("nonrep").string(), data});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "CN=nonrep"));
}
