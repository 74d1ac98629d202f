// `payload cms ...` and `payload cert ...` as a partner meets them: interop both ways with
// the `openssl cms` command (keys and certificates made by openssl, see
// tests/cms/cms_fixture.h), the documented exit codes with one error line, and nothing
// written at a target path when an operation fails.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>

#include "cms/cms_fixture.h"
#include "support/run.h"
#include "support/temp_dir.h"

using namespace payload::test;

namespace {

// Exit codes, docs/exit-codes.md.
constexpr int kUsage = 2, kBadData = 3, kBadSignature = 4, kNoKey = 5, kKeyUnusable = 6, kBadPassphrase = 7, kIo = 8,
              kUnsupported = 9;

const std::string kContent = [] {
  std::string s = "UNB+UNOC:3+SENDER:ZZ+RECEIVER:ZZ+240101:1200+42'\r\n";
  for (int i = 0; i < 500; ++i) s += "LIN+" + std::to_string(i) + "++4000862141404:SRS'\r\n";
  return s + "UNZ+1+42'\r\n";
}();

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }
int lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }
std::string trim(std::string s) {
  s.erase(s.find_last_not_of("\r\n ") + 1);
  return s;
}

RunResult cli(std::vector<std::string> args, const std::string& input = {}, const std::map<std::string, std::string>& env = {}) {
  args.insert(args.begin(), payload_cli());
  return run(args, input, env);
}

// Files in `dir` other than `keep`: outputs or temporaries left behind.
std::vector<std::string> unexpected_files(const std::filesystem::path& dir, const std::vector<std::string>& keep) {
  std::vector<std::string> extra;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (std::find(keep.begin(), keep.end(), name) == keep.end()) extra.push_back(name);
  }
  return extra;
}

// The AS2 MIC of `file` as openssl computes it: "BASE64, sha-256".
std::string openssl_mic(const std::filesystem::path& file, const std::string& alg, const std::string& micalg) {
  return trim(openssl({"base64", "-A"}, openssl_digest(alg, file))) + ", " + micalg;
}

// A work directory with the content to protect.
struct Work {
  Work() { write_file(dir / "content.edi", kContent); }
  [[nodiscard]] std::string operator/(const std::string& name) const { return (dir / name).string(); }
  TempDir dir;
};

std::string crt(const std::string& name) { return Pki::get().crt(name).string(); }
std::string key(const std::string& name) { return Pki::get().key(name).string(); }

}  // namespace

TEST_CASE("cms sign and verify: payload signs and openssl cms verifies", "[cms][cli][interop]") {
  Work w;
  struct Case {
    std::string signer;
    std::vector<std::string> options;
    std::string micalg;
    std::string expect;  // in `openssl cms -cmsout -print`
  };
  const std::vector<Case> cases{
      {"rsa", {}, "sha-256", "rsaEncryption"},
      {"rsa", {"--digest", "sha-512", "--pss"}, "sha-512", "rsassaPss"},
      {"ec256", {"--digest", "sha384"}, "sha-384", "ecdsa-with-SHA384"},
  };
  for (const auto& c : cases) {
    INFO(c.signer << " " << c.micalg);
    std::vector<std::string> args{"cms", "sign", "--key", key(c.signer), "--cert", crt(c.signer), w / "content.edi", "-o",
                                  w / "sig.p7s", "--force"};
    args.insert(args.end(), c.options.begin(), c.options.end());
    auto s = cli(args);
    INFO(s.err);
    REQUIRE(s.exit_code == 0);
    CHECK(contains(s.err, "(" + c.micalg + ", "));
    openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", w / "sig.p7s", "-content", w / "content.edi", "-noverify",
             "-nointern", "-certfile", crt(c.signer), "-out", "/dev/null"});
    CHECK(contains(openssl({"cms", "-cmsout", "-print", "-inform", "DER", "-in", w / "sig.p7s"}), c.expect));
  }

  SECTION("enveloping: openssl extracts the content") {
    auto s = cli({"cms", "sign", "--enveloping", "--key", key("rsa"), "--cert", crt("rsa"), w / "content.edi", "-o", w / "signed.p7m"});
    REQUIRE(s.exit_code == 0);
    openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", w / "signed.p7m", "-noverify", "-nointern", "-certfile",
             crt("rsa"), "-out", w / "extracted.edi"});
    CHECK(read_file(w / "extracted.edi") == kContent);
  }
  SECTION("from stdin to stdout, and --json refused when stdout carries the signature") {
    auto s = cli({"cms", "sign", "--key", key("rsa"), "--cert", crt("rsa"), "-", "-o", "-", "-q"}, kContent);
    REQUIRE(s.exit_code == 0);
    CHECK(s.err.empty());
    write_file(w / "stdout.p7s", s.out);
    openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", w / "stdout.p7s", "-content", w / "content.edi",
             "-noverify", "-nointern", "-certfile", crt("rsa"), "-out", "/dev/null"});
    auto j = cli({"cms", "sign", "--json", "--key", key("rsa"), "--cert", crt("rsa"), "-", "-o", "-"}, kContent);
    CHECK(j.exit_code == kUsage);
    CHECK(contains(j.out, "\"error\":\"usage\""));
  }
}

TEST_CASE("cms verify: openssl cms signs and payload verifies and prints signer and MIC", "[cms][cli][interop]") {
  Work w;
  openssl({"cms", "-sign", "-binary", "-md", "sha256", "-signer", crt("rsa"), "-inkey", key("rsa"), "-in", w / "content.edi",
           "-outform", "DER", "-out", w / "sig.p7s"});
  const std::string mic = openssl_mic(w.dir / "content.edi", "sha256", "sha-256");

  SECTION("detached") {
    auto v = cli({"cms", "verify", "--cert", crt("rsa"), "--content", w / "content.edi", w / "sig.p7s"});
    INFO(v.err);
    REQUIRE(v.exit_code == 0);
    CHECK(contains(v.err, "good signature by \"O=payload tests,CN=rsa\""));
    CHECK(contains(v.err, "digest sha-256, scheme rsa-pkcs1v15, signed 20"));
    CHECK(contains(v.err, "MIC " + mic + "\n"));
    CHECK(v.out.empty());
  }
  SECTION("detached, --json") {
    auto v = cli({"cms", "verify", "--json", "--cert", crt("rsa2"), "--cert", crt("rsa"), "--content", w / "content.edi",
                      w / "sig.p7s"});
    REQUIRE(v.exit_code == 0);
    CHECK(contains(v.out, "\"ok\":true"));
    CHECK(contains(v.out, "\"micalg\":\"sha-256\""));
    CHECK(contains(v.out, "\"mic\":\"" + mic + "\""));
    CHECK(contains(v.out, "\"subject\":\"O=payload tests,CN=rsa\""));
    CHECK(contains(v.out, "\"mode\":\"detached\""));
    CHECK(v.err.empty());
  }
  SECTION("enveloping BER from -stream: the content written once it verified") {
    openssl({"cms", "-sign", "-binary", "-nodetach", "-stream", "-md", "sha512", "-signer", crt("rsa"), "-inkey", key("rsa"),
             "-in", w / "content.edi", "-outform", "DER", "-out", w / "signed.p7m"});
    auto v = cli({"cms", "verify", "--cert", crt("rsa"), w / "signed.p7m", "-o", w / "out.edi"});
    INFO(v.err);
    REQUIRE(v.exit_code == 0);
    CHECK(read_file(w / "out.edi") == kContent);
    CHECK(contains(v.err, "MIC " + openssl_mic(w.dir / "content.edi", "sha512", "sha-512")));
    // Without -o the signature is checked and the content dropped.
    auto check_only = cli({"cms", "verify", "--cert", crt("rsa"), w / "signed.p7m"});
    CHECK(check_only.exit_code == 0);
    CHECK(check_only.out.empty());
    // To stdout.
    auto to_stdout = cli({"cms", "verify", "-q", "--cert", crt("rsa"), w / "signed.p7m", "-o", "-"});
    CHECK(to_stdout.exit_code == 0);
    CHECK(to_stdout.out == kContent);
  }
  SECTION("RSASSA-PSS") {
    openssl({"cms", "-sign", "-binary", "-md", "sha256", "-signer", crt("rsa"), "-inkey", key("rsa"), "-keyopt",
             "rsa_padding_mode:pss", "-in", w / "content.edi", "-outform", "DER", "-out", w / "pss.p7s"});
    auto v = cli({"cms", "verify", "--cert", crt("rsa"), "--content", w / "content.edi", w / "pss.p7s"});
    INFO(v.err);
    REQUIRE(v.exit_code == 0);
    CHECK(contains(v.err, "scheme rsa-pss"));
  }
  SECTION("ECDSA P-384") {
    openssl({"cms", "-sign", "-binary", "-md", "sha384", "-signer", crt("ec384"), "-inkey", key("ec384"), "-in",
             w / "content.edi", "-outform", "DER", "-out", w / "ec.p7s"});
    auto v = cli({"cms", "verify", "--cert", crt("ec384"), "--content", w / "content.edi", w / "ec.p7s"});
    REQUIRE(v.exit_code == 0);
    CHECK(contains(v.err, "scheme ecdsa"));
  }
}

TEST_CASE("cms verify: tampering and a wrong partner and policy and expiry", "[cms][cli][negative]") {
  Work w;
  openssl({"cms", "-sign", "-binary", "-md", "sha256", "-signer", crt("rsa"), "-inkey", key("rsa"), "-in", w / "content.edi",
           "-outform", "DER", "-out", w / "sig.p7s"});

  SECTION("tampered content: exit 4") {
    std::string tampered = kContent;
    tampered[100] ^= 0x01;
    write_file(w.dir / "tampered.edi", tampered);
    auto v = cli({"cms", "verify", "--cert", crt("rsa"), "--content", w / "tampered.edi", w / "sig.p7s"});
    CHECK(v.exit_code == kBadSignature);
    CHECK(lines(v.err) == 1);
    CHECK(contains(v.err, "sig.p7s"));
  }
  SECTION("tampered enveloping signature: exit 4 and no content written") {
    openssl({"cms", "-sign", "-binary", "-nodetach", "-md", "sha256", "-signer", crt("rsa"), "-inkey", key("rsa"), "-in",
             w / "content.edi", "-outform", "DER", "-out", w / "signed.p7m"});
    std::string der = read_file(w.dir / "signed.p7m");
    const auto at = der.find("LIN+250");
    REQUIRE(at != std::string::npos);
    der[at + 4] = '9';
    write_file(w.dir / "signed.p7m", der);
    auto v = cli({"cms", "verify", "--cert", crt("rsa"), w / "signed.p7m", "-o", w / "out.edi"});
    CHECK(v.exit_code == kBadSignature);
    CHECK(lines(v.err) == 1);
    CHECK(unexpected_files(w.dir.path(), {"content.edi", "sig.p7s", "signed.p7m"}).empty());
    auto to_stdout = cli({"cms", "verify", "--cert", crt("rsa"), w / "signed.p7m", "-o", "-"});
    CHECK(to_stdout.exit_code == kBadSignature);
    CHECK(to_stdout.out.empty());
  }
  SECTION("signed by someone else than the partner: exit 5") {
    auto v = cli({"cms", "verify", "--cert", crt("rsa2"), "--content", w / "content.edi", w / "sig.p7s"});
    CHECK(v.exit_code == kNoKey);
    CHECK(lines(v.err) == 1);
  }
  SECTION("SHA-1 is refused unless allowed: exit 9") {
    openssl({"cms", "-sign", "-binary", "-md", "sha1", "-signer", crt("rsa"), "-inkey", key("rsa"), "-in", w / "content.edi",
             "-outform", "DER", "-out", w / "sha1.p7s"});
    auto refused = cli({"cms", "verify", "--cert", crt("rsa"), "--content", w / "content.edi", w / "sha1.p7s"});
    CHECK(refused.exit_code == kUnsupported);
    CHECK(lines(refused.err) == 1);
    auto json = cli({"cms", "verify", "--json", "--cert", crt("rsa"), "--content", w / "content.edi", w / "sha1.p7s"});
    CHECK(json.exit_code == kUnsupported);
    CHECK(contains(json.out, "\"error\":\"unsupported\""));
    CHECK(contains(json.out, "\"exit_code\":9"));
    auto allowed = cli({"cms", "verify", "--allow-digest", "sha1", "--cert", crt("rsa"), "--content", w / "content.edi",
                            w / "sha1.p7s"});
    CHECK(allowed.exit_code == 0);
    CHECK(contains(allowed.err, "MIC " + openssl_mic(w.dir / "content.edi", "sha1", "sha1")));
  }
  SECTION("an expired partner certificate: exit 6") {
    openssl({"cms", "-sign", "-binary", "-md", "sha256", "-signer", crt("expired"), "-inkey", key("expired"), "-in",
             w / "content.edi", "-outform", "DER", "-out", w / "old.p7s"});
    auto v = cli({"cms", "verify", "--cert", crt("expired"), "--content", w / "content.edi", w / "old.p7s"});
    CHECK(v.exit_code == kKeyUnusable);
    CHECK(lines(v.err) == 1);
  }
  SECTION("not a signature: exit 3") {
    auto v = cli({"cms", "verify", "--cert", crt("rsa"), "--content", w / "content.edi", w / "content.edi"});
    CHECK(v.exit_code == kBadData);
    CHECK(lines(v.err) == 1);
  }
  SECTION("missing files: exit 8") {
    auto no_sig = cli({"cms", "verify", "--cert", crt("rsa"), "--content", w / "content.edi", w / "missing.p7s"});
    CHECK(no_sig.exit_code == kIo);
    CHECK(contains(no_sig.err, "missing.p7s"));
    auto no_cert = cli({"cms", "verify", "--cert", w / "missing.crt", "--content", w / "content.edi", w / "sig.p7s"});
    CHECK(no_cert.exit_code == kIo);
    CHECK(contains(no_cert.err, "missing.crt"));
    auto no_content = cli({"cms", "verify", "--cert", crt("rsa"), "--content", w / "missing.edi", w / "sig.p7s"});
    CHECK(no_content.exit_code == kIo);
  }
  SECTION("usage: -o with a detached signature, no --cert") {
    auto both = cli({"cms", "verify", "--cert", crt("rsa"), "--content", w / "content.edi", w / "sig.p7s", "-o", w / "x"});
    CHECK(both.exit_code == kUsage);
    auto no_cert = cli({"cms", "verify", "--content", w / "content.edi", w / "sig.p7s"});
    CHECK(no_cert.exit_code == kUsage);
    CHECK(unexpected_files(w.dir.path(), {"content.edi", "sig.p7s"}).empty());
  }
}

TEST_CASE("cms sign: policy and keys and passphrases and existing outputs", "[cms][cli][negative]") {
  Work w;
  SECTION("SHA-1 only with --allow-legacy") {
    auto refused = cli({"cms", "sign", "--digest", "sha1", "--key", key("rsa"), "--cert", crt("rsa"), w / "content.edi",
                            "-o", w / "sig.p7s"});
    CHECK(refused.exit_code == kUsage);
    CHECK(lines(refused.err) == 1);
    CHECK_FALSE(std::filesystem::exists(w.dir / "sig.p7s"));
    auto allowed = cli({"cms", "sign", "--digest", "sha1", "--allow-legacy", "--key", key("rsa"), "--cert", crt("rsa"),
                            w / "content.edi", "-o", w / "sig.p7s"});
    CHECK(allowed.exit_code == 0);
    CHECK(contains(openssl({"cms", "-cmsout", "-print", "-inform", "DER", "-in", w / "sig.p7s"}), "sha1"));
  }
  SECTION("a key that does not belong to the certificate: exit 2") {
    auto s = cli({"cms", "sign", "--key", key("rsa2"), "--cert", crt("rsa"), w / "content.edi", "-o", w / "sig.p7s"});
    CHECK(s.exit_code == kUsage);
    CHECK(contains(s.err, "does not belong"));
  }
  SECTION("--pss with an EC key: exit 2") {
    auto s = cli({"cms", "sign", "--pss", "--key", key("ec256"), "--cert", crt("ec256"), w / "content.edi", "-o", w / "sig.p7s"});
    CHECK(s.exit_code == kUsage);
    CHECK(unexpected_files(w.dir.path(), {"content.edi"}).empty());
  }
  SECTION("an unknown digest: exit 2") {
    auto s = cli({"cms", "sign", "--digest", "sha-999", "--key", key("rsa"), "--cert", crt("rsa"), w / "content.edi", "-o", w / "sig.p7s"});
    CHECK(s.exit_code == kUsage);
  }
  SECTION("a passphrase-protected key") {
    openssl({"pkey", "-in", key("rsa"), "-aes256", "-passout", "pass:s3cret", "-out", w / "locked.key"});
    auto none = cli({"cms", "sign", "--key", w / "locked.key", "--cert", crt("rsa"), w / "content.edi", "-o", w / "sig.p7s"});
    CHECK(none.exit_code == kBadPassphrase);
    auto wrong = cli({"cms", "sign", "--key", w / "locked.key", "--cert", crt("rsa"), w / "content.edi", "-o", w / "sig.p7s",
                          "--passphrase-env", "PW"},
                         {}, {{"PW", "wrong"}});
    CHECK(wrong.exit_code == kBadPassphrase);
    CHECK(lines(wrong.err) == 1);
    CHECK_FALSE(std::filesystem::exists(w.dir / "sig.p7s"));
    write_file(w.dir / "pw.txt", "s3cret\n");
    auto right = cli({"cms", "sign", "--key", w / "locked.key", "--cert", crt("rsa"), w / "content.edi", "-o", w / "sig.p7s",
                          "--passphrase-file", w / "pw.txt"});
    CHECK(right.exit_code == 0);
    CHECK(std::filesystem::exists(w.dir / "sig.p7s"));
  }
  SECTION("missing input or key: exit 8, one line naming the file") {
    auto no_input = cli({"cms", "sign", "--key", key("rsa"), "--cert", crt("rsa"), w / "missing.edi", "-o", w / "sig.p7s"});
    CHECK(no_input.exit_code == kIo);
    CHECK(lines(no_input.err) == 1);
    CHECK(contains(no_input.err, "missing.edi"));
    auto no_key = cli({"cms", "sign", "--key", w / "missing.key", "--cert", crt("rsa"), w / "content.edi", "-o", w / "sig.p7s"});
    CHECK(no_key.exit_code == kIo);
    CHECK(contains(no_key.err, "missing.key"));
    CHECK(unexpected_files(w.dir.path(), {"content.edi"}).empty());
  }
  SECTION("an existing output is kept unless --force") {
    write_file(w.dir / "sig.p7s", "keep me");
    auto s = cli({"cms", "sign", "--key", key("rsa"), "--cert", crt("rsa"), w / "content.edi", "-o", w / "sig.p7s"});
    CHECK(s.exit_code == kIo);
    CHECK(lines(s.err) == 1);
    CHECK(read_file(w.dir / "sig.p7s") == "keep me");
    auto forced = cli({"cms", "sign", "--force", "--key", key("rsa"), "--cert", crt("rsa"), w / "content.edi", "-o", w / "sig.p7s"});
    CHECK(forced.exit_code == 0);
    CHECK(read_file(w.dir / "sig.p7s") != "keep me");
    CHECK(unexpected_files(w.dir.path(), {"content.edi", "sig.p7s"}).empty());
  }
  SECTION("round trip through payload verify, with --json") {
    auto s = cli({"cms", "sign", "--json", "--key", key("ec256"), "--cert", crt("ec256"), w / "content.edi", "-o", w / "sig.p7s"});
    REQUIRE(s.exit_code == 0);
    CHECK(contains(s.out, "\"scheme\":\"ecdsa\""));
    CHECK(contains(s.out, "\"mode\":\"detached\""));
    auto v = cli({"cms", "verify", "--cert", crt("ec256"), "--content", w / "content.edi", w / "sig.p7s"});
    CHECK(v.exit_code == 0);
    CHECK(contains(v.err, "MIC " + openssl_mic(w.dir / "content.edi", "sha256", "sha-256")));
  }
}

TEST_CASE("cms encrypt: openssl cms decrypts every cipher and key transport", "[cms][cli][interop]") {
  Work w;
  struct Case {
    std::string cipher;
    std::string transport;
  };
  const std::vector<Case> cases{
      {"aes-256-cbc", "rsa-pkcs1v15"}, {"aes-128-cbc", "rsa-oaep-sha1"},   {"aes-192-cbc", "rsa-oaep-sha256"},
      {"aes-128-gcm", "rsa-oaep-sha512"}, {"aes-256-gcm", "rsa-pkcs1v15"},
  };
  for (const auto& c : cases) {
    INFO(c.cipher << " " << c.transport);
    auto e = cli({"cms", "encrypt", "--cert", crt("rsa2"), "--cert", crt("rsa"), "--cipher", c.cipher, "--key-transport",
                      c.transport, w / "content.edi", "-o", w / "enc.p7m", "--force", "--json"});
    INFO(e.err);
    REQUIRE(e.exit_code == 0);
    CHECK(contains(e.out, "\"cipher\":\"" + c.cipher + "\""));
    CHECK(contains(e.out, "\"key_transport\":\"" + c.transport + "\""));
    const std::string plain = openssl({"cms", "-decrypt", "-binary", "-inform", "DER", "-in", w / "enc.p7m", "-recip",
                                       crt("rsa"), "-inkey", key("rsa")});
    CHECK(plain == kContent);
  }

  SECTION("3DES only with --allow-legacy") {
    auto refused = cli({"cms", "encrypt", "--cert", crt("rsa"), "--cipher", "des-ede3-cbc", w / "content.edi", "-o", w / "des.p7m"});
    CHECK(refused.exit_code == kUsage);
    CHECK(lines(refused.err) == 1);
    CHECK_FALSE(std::filesystem::exists(w.dir / "des.p7m"));
    auto allowed = cli({"cms", "encrypt", "--allow-legacy", "--cert", crt("rsa"), "--cipher", "des-ede3-cbc",
                            w / "content.edi", "-o", w / "des.p7m"});
    REQUIRE(allowed.exit_code == 0);
    CHECK(openssl({"cms", "-decrypt", "-binary", "-inform", "DER", "-in", w / "des.p7m", "-inkey", key("rsa")}) == kContent);
  }
  SECTION("bad requests: unknown cipher, an EC recipient, a bundle") {
    auto cipher = cli({"cms", "encrypt", "--cert", crt("rsa"), "--cipher", "rc2-40", w / "content.edi", "-o", w / "x.p7m"});
    CHECK(cipher.exit_code == kUsage);
    auto ec = cli({"cms", "encrypt", "--cert", crt("ec256"), w / "content.edi", "-o", w / "x.p7m"});
    CHECK(ec.exit_code == kUsage);
    write_file(w.dir / "bundle.pem", read_file(crt("rsa")) + read_file(crt("rsa2")));
    auto bundle = cli({"cms", "encrypt", "--cert", w / "bundle.pem", w / "content.edi", "-o", w / "x.p7m"});
    CHECK(bundle.exit_code == kUsage);
    CHECK(contains(bundle.err, "2 certificates"));
    CHECK_FALSE(std::filesystem::exists(w.dir / "x.p7m"));
  }
}

TEST_CASE("cms decrypt: openssl cms encrypts and payload decrypts and reports", "[cms][cli][interop]") {
  Work w;
  SECTION("AES-256-CBC with RSA v1.5") {
    openssl({"cms", "-encrypt", "-binary", "-aes-256-cbc", "-in", w / "content.edi", "-outform", "DER", "-out", w / "enc.p7m", crt("rsa")});
    auto d = cli({"cms", "decrypt", "--key", key("rsa"), "--cert", crt("rsa"), w / "enc.p7m", "-o", w / "plain.edi"});
    INFO(d.err);
    REQUIRE(d.exit_code == 0);
    CHECK(read_file(w.dir / "plain.edi") == kContent);
    CHECK(contains(d.err, "aes-256-cbc"));
    CHECK(contains(d.err, "rsa-pkcs1v15"));
    CHECK(contains(d.err, "\"O=payload tests,CN=rsa\""));
  }
  SECTION("AES-128-GCM (AuthEnvelopedData) with RSA-OAEP SHA-256, streamed BER, --json") {
    openssl({"cms", "-encrypt", "-binary", "-stream", "-aes-128-gcm", "-in", w / "content.edi", "-outform", "DER", "-out",
             w / "enc.p7m", "-recip", crt("rsa"), "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt",
             "rsa_mgf1_md:sha256"});
    auto d = cli({"cms", "decrypt", "--json", "--key", key("rsa"), "--cert", crt("rsa"), w / "enc.p7m", "-o", w / "plain.edi"});
    INFO(d.err);
    REQUIRE(d.exit_code == 0);
    CHECK(read_file(w.dir / "plain.edi") == kContent);
    CHECK(contains(d.out, "\"cipher\":\"aes-128-gcm\""));
    CHECK(contains(d.out, "\"authenticated\":true"));
    CHECK(contains(d.out, "\"key_transport\":\"rsa-oaep-sha256\""));
    CHECK(contains(d.out, "\"recipient_cert\":\"" + crt("rsa") + "\""));
  }
  SECTION("certificate rollover: old and new identity, the message for the old one") {
    openssl({"cms", "-encrypt", "-binary", "-aes-128-cbc", "-in", w / "content.edi", "-outform", "DER", "-out", w / "enc.p7m", crt("rsa2")});
    auto d = cli({"cms", "decrypt", "--key", key("rsa"), "--cert", crt("rsa"), "--key", key("rsa2"), "--cert", crt("rsa2"),
                      w / "enc.p7m", "-o", w / "plain.edi"});
    INFO(d.err);
    REQUIRE(d.exit_code == 0);
    CHECK(read_file(w.dir / "plain.edi") == kContent);
    CHECK(contains(d.err, crt("rsa2")));
    CHECK(contains(d.err, "CN=rsa2"));
  }
  SECTION("to stdout") {
    openssl({"cms", "-encrypt", "-binary", "-aes-256-cbc", "-in", w / "content.edi", "-outform", "DER", "-out", w / "enc.p7m", crt("rsa")});
    auto d = cli({"cms", "decrypt", "-q", "--key", key("rsa"), "--cert", crt("rsa"), w / "enc.p7m", "-o", "-"});
    REQUIRE(d.exit_code == 0);
    CHECK(d.out == kContent);
    CHECK(d.err.empty());
  }
  SECTION("round trip with payload encrypt, our own copy included") {
    auto e = cli({"cms", "encrypt", "--cert", crt("rsa2"), "--cert", crt("rsa"), w / "content.edi", "-o", w / "enc.p7m"});
    REQUIRE(e.exit_code == 0);
    auto d = cli({"cms", "decrypt", "--key", key("rsa"), "--cert", crt("rsa"), w / "enc.p7m", "-o", w / "plain.edi"});
    REQUIRE(d.exit_code == 0);
    CHECK(read_file(w.dir / "plain.edi") == kContent);
  }
}

TEST_CASE("cms decrypt: wrong recipient and tampering and policy and pairs and files", "[cms][cli][negative]") {
  Work w;
  openssl({"cms", "-encrypt", "-binary", "-aes-256-gcm", "-in", w / "content.edi", "-outform", "DER", "-out", w / "enc.p7m", crt("rsa")});
  const std::vector<std::string> keep{"content.edi", "enc.p7m"};

  SECTION("for another recipient: exit 5, no output") {
    auto d = cli({"cms", "decrypt", "--key", key("rsa2"), "--cert", crt("rsa2"), w / "enc.p7m", "-o", w / "plain.edi"});
    CHECK(d.exit_code == kNoKey);
    CHECK(lines(d.err) == 1);
    CHECK(contains(d.err, "enc.p7m"));
    CHECK(unexpected_files(w.dir.path(), keep).empty());
  }
  SECTION("a flipped byte in the GCM ciphertext: exit 3, no output, nothing on stdout") {
    std::string der = read_file(w.dir / "enc.p7m");
    der[der.size() - 40] ^= 0x01;
    write_file(w.dir / "enc.p7m", der);
    auto d = cli({"cms", "decrypt", "--key", key("rsa"), "--cert", crt("rsa"), w / "enc.p7m", "-o", w / "plain.edi"});
    CHECK(d.exit_code == kBadData);
    CHECK(lines(d.err) == 1);
    CHECK(unexpected_files(w.dir.path(), keep).empty());
    auto s = cli({"cms", "decrypt", "--key", key("rsa"), "--cert", crt("rsa"), w / "enc.p7m", "-o", "-"});
    CHECK(s.exit_code == kBadData);
    CHECK(s.out.empty());
  }
  SECTION("3DES from a partner: exit 9 unless allowed") {
    openssl({"cms", "-encrypt", "-binary", "-des3", "-in", w / "content.edi", "-outform", "DER", "-out", w / "des.p7m", crt("rsa")});
    auto refused = cli({"cms", "decrypt", "--key", key("rsa"), "--cert", crt("rsa"), w / "des.p7m", "-o", w / "plain.edi"});
    CHECK(refused.exit_code == kUnsupported);
    CHECK(lines(refused.err) == 1);
    CHECK_FALSE(std::filesystem::exists(w.dir / "plain.edi"));
    auto allowed = cli({"cms", "decrypt", "--allow-cipher", "des-ede3-cbc", "--key", key("rsa"), "--cert", crt("rsa"),
                            w / "des.p7m", "-o", w / "plain.edi"});
    CHECK(allowed.exit_code == 0);
    CHECK(read_file(w.dir / "plain.edi") == kContent);
    CHECK(contains(allowed.err, "des-ede3-cbc"));
  }
  SECTION("--key and --cert must pair up: exit 2") {
    auto d = cli({"cms", "decrypt", "--key", key("rsa"), "--cert", crt("rsa"), "--cert", crt("rsa2"), w / "enc.p7m", "-o",
                      w / "plain.edi"});
    CHECK(d.exit_code == kUsage);
    CHECK(contains(d.err, "pairs"));
    CHECK(unexpected_files(w.dir.path(), keep).empty());
  }
  SECTION("a missing input: exit 8") {
    auto d = cli({"cms", "decrypt", "--key", key("rsa"), "--cert", crt("rsa"), w / "nothing.p7m", "-o", w / "plain.edi"});
    CHECK(d.exit_code == kIo);
    CHECK(contains(d.err, "nothing.p7m"));
    CHECK(unexpected_files(w.dir.path(), keep).empty());
  }
  SECTION("an existing output: exit 8, kept") {
    write_file(w.dir / "plain.edi", "old");
    auto d = cli({"cms", "decrypt", "--key", key("rsa"), "--cert", crt("rsa"), w / "enc.p7m", "-o", w / "plain.edi"});
    CHECK(d.exit_code == kIo);
    CHECK(read_file(w.dir / "plain.edi") == "old");
  }
  SECTION("not encrypted: exit 3") {
    auto d = cli({"cms", "decrypt", "--key", key("rsa"), "--cert", crt("rsa"), w / "content.edi", "-o", w / "plain.edi"});
    CHECK(d.exit_code == kBadData);
    CHECK(unexpected_files(w.dir.path(), keep).empty());
  }
}

namespace {

// A CompressedData made without payload: Perl's Compress::Zlib makes the RFC 1950 stream,
// the BER around it (RFC 3274, indefinite lengths, one OCTET STRING segment per 1000
// bytes) is written out here byte by byte.
std::string third_party_compressed(const std::string& perl_expression) {
  const auto r = run({"perl", "-MCompress::Zlib", "-e", "binmode STDOUT; print compress(" + perl_expression + ", 9)"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string& z = r.out;
  auto len = [](std::size_t n) {
    if (n < 128) return std::string(1, static_cast<char>(n));
    std::string l;
    for (; n > 0; n >>= 8) l.insert(l.begin(), static_cast<char>(n & 0xff));
    return static_cast<char>(0x80 | l.size()) + l;
  };
  std::string segments;
  for (std::size_t at = 0; at < z.size(); at += 1000) segments += "\x04" + len(std::min<std::size_t>(1000, z.size() - at)) + z.substr(at, 1000);
  const std::string oid_cd("\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x09", 13);
  const std::string alg("\x30\x0d\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x03\x08", 15);
  const std::string oid_data("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01", 11);
  const std::string eoc("\0\0", 2);
  return std::string("\x30\x80", 2) + oid_cd + std::string("\xa0\x80\x30\x80\x02\x01\x00", 7) + alg + std::string("\x30\x80", 2) +
         oid_data + std::string("\xa0\x80\x24\x80", 4) + segments + eoc + eoc + eoc + eoc + eoc + eoc;
}

}  // namespace

TEST_CASE("cms compress and decompress: Perl zlib both ways and limits against bombs", "[cms][cli][compress]") {
  Work w;
  SECTION("payload compresses: openssl asn1parse sees CompressedData, Perl inflates it") {
    auto c = cli({"cms", "compress", "--level", "9", w / "content.edi", "-o", w / "c.p7z"});
    REQUIRE(c.exit_code == 0);
    const std::string listing = openssl({"asn1parse", "-inform", "DER", "-in", w / "c.p7z"});
    CHECK(contains(listing, "id-smime-ct-compressedData"));
    CHECK(contains(listing, "zlib compression"));
    // The payload round trip, and the zlib stream checked by Perl via the decompressed size.
    auto d = cli({"cms", "decompress", "--json", w / "c.p7z", "-o", w / "back.edi"});
    REQUIRE(d.exit_code == 0);
    CHECK(read_file(w.dir / "back.edi") == kContent);
    CHECK(contains(d.out, "\"content_bytes\":" + std::to_string(kContent.size())));
    CHECK(contains(d.out, "\"content_type\":\"1.2.840.113549.1.7.1\""));
  }
  SECTION("Perl compresses: payload decompresses") {
    write_file(w.dir / "perl.p7z", third_party_compressed("'ISA*00*' x 5000"));
    auto d = cli({"cms", "decompress", w / "perl.p7z", "-o", w / "out.txt"});
    INFO(d.err);
    REQUIRE(d.exit_code == 0);
    std::string expected;
    for (int i = 0; i < 5000; ++i) expected += "ISA*00*";
    CHECK(read_file(w.dir / "out.txt") == expected);
  }
  SECTION("a decompression bomb: exit 3, no output file") {
    // 64 MiB of zeros in about 64 KiB: far above the default ratio of 200.
    write_file(w.dir / "bomb.p7z", third_party_compressed("\"\\0\" x (64 << 20)"));
    REQUIRE(std::filesystem::file_size(w.dir / "bomb.p7z") < 128 * 1024);
    auto d = cli({"cms", "decompress", w / "bomb.p7z", "-o", w / "bomb.out"});
    CHECK(d.exit_code == kBadData);
    CHECK(lines(d.err) == 1);
    CHECK(contains(d.err, "ratio"));
    CHECK(unexpected_files(w.dir.path(), {"content.edi", "bomb.p7z"}).empty());
    auto s = cli({"cms", "decompress", w / "bomb.p7z", "-o", "-"});
    CHECK(s.exit_code == kBadData);
    CHECK(s.out.empty());
    // With the ratio allowed, the size cap still stops it.
    auto capped = cli({"cms", "decompress", "--max-ratio", "100000", "--max-size", "1000000", w / "bomb.p7z", "-o", w / "bomb.out"});
    CHECK(capped.exit_code == kBadData);
    CHECK(contains(capped.err, "limit"));
    CHECK(unexpected_files(w.dir.path(), {"content.edi", "bomb.p7z"}).empty());
  }
  SECTION("bad requests and input") {
    auto level = cli({"cms", "compress", "--level", "10", w / "content.edi", "-o", w / "c.p7z"});
    CHECK(level.exit_code == kUsage);
    auto ratio = cli({"cms", "decompress", "--max-ratio", "0", w / "content.edi", "-o", w / "out"});
    CHECK(ratio.exit_code == kUsage);
    CHECK(lines(ratio.err) == 1);
    auto not_compressed = cli({"cms", "decompress", w / "content.edi", "-o", w / "out"});
    CHECK(not_compressed.exit_code == kBadData);
    auto missing = cli({"cms", "decompress", w / "none.p7z", "-o", w / "out"});
    CHECK(missing.exit_code == kIo);
    CHECK(unexpected_files(w.dir.path(), {"content.edi"}).empty());
  }
}

TEST_CASE("cert new and cert show: openssl agrees and the key signs for openssl", "[cms][cli][cert]") {
  TempDir dir;
  const auto key_file = (dir / "acme.key").string();
  const auto cert_file = (dir / "acme.crt").string();
  auto n = cli({"cert", "new", "--cn", "ACME AS2", "--org", "ACME Corp", "--country", "DE", "--dns", "as2.acme.example",
                    "--email", "edi@acme.example", "--type", "rsa2048", "--days", "365", "--key-out", key_file, "--cert-out",
                    cert_file, "--passphrase-env", "PW"},
                   {}, {{"PW", "onboarding pw"}});
  INFO(n.err);
  REQUIRE(n.exit_code == 0);
  CHECK(contains(n.out, "subject:     CN=ACME AS2,O=ACME Corp,C=DE"));

  struct stat st {};
  REQUIRE(::stat(key_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(read_file(key_file).starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));

  const std::string text = openssl({"x509", "-in", cert_file, "-noout", "-text"});
  CHECK(contains(text, "X509v3 Basic Constraints: critical"));
  CHECK(contains(text, "X509v3 Key Usage: critical"));
  CHECK(contains(text, "Digital Signature, Non Repudiation, Key Encipherment, Data Encipherment"));
  CHECK(contains(text, "DNS:as2.acme.example, email:edi@acme.example"));
  // The key opens with the passphrase and is the certificate's.
  CHECK(openssl({"pkey", "-in", key_file, "-passin", "pass:onboarding pw", "-pubout"}) ==
        openssl({"x509", "-in", cert_file, "-noout", "-pubkey"}));

  SECTION("cert show prints what openssl x509 prints") {
    auto s = cli({"cert", "show", cert_file});
    REQUIRE(s.exit_code == 0);
    std::string fingerprint = openssl({"x509", "-in", cert_file, "-noout", "-fingerprint", "-sha256"});
    fingerprint = trim(fingerprint.substr(fingerprint.find('=') + 1));
    CHECK(contains(s.out, "SHA-256 fingerprint: " + fingerprint + "\n"));
    std::string serial = openssl({"x509", "-in", cert_file, "-noout", "-serial"});
    serial = trim(serial.substr(serial.find('=') + 1));
    CHECK(contains(s.out, "serial:      " + serial + "\n"));
    CHECK(contains(s.out, "(self-signed)"));
    CHECK(contains(s.out, "key:         RSA 2048\n"));
    CHECK(contains(s.out, "(valid)"));
    auto j = cli({"cert", "show", "--json", cert_file});
    REQUIRE(j.exit_code == 0);
    CHECK(contains(j.out, "\"sha256_fingerprint\":\"" + fingerprint + "\""));
    CHECK(contains(j.out, "\"self_signed\":true"));
    CHECK(contains(j.out, "\"key_bits\":2048"));
    // openssl's end date, our not-after: the same day 365 days on.
    std::string end = openssl({"x509", "-in", cert_file, "-noout", "-enddate", "-dateopt", "iso_8601"});
    end = trim(end.substr(end.find('=') + 1));  // "2026-01-01 12:00:00Z"
    CHECK(contains(s.out, "not after:   " + end.substr(0, 10) + "T" + end.substr(11)));
  }
  SECTION("the new identity signs, openssl verifies with the certificate as its only anchor") {
    write_file(dir / "content.edi", kContent);
    auto sign = cli({"cms", "sign", "--key", key_file, "--cert", cert_file, "--passphrase-env", "PW", (dir / "content.edi").string(),
                         "-o", (dir / "sig.p7s").string()},
                        {}, {{"PW", "onboarding pw"}});
    INFO(sign.err);
    REQUIRE(sign.exit_code == 0);
    openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", (dir / "sig.p7s").string(), "-content",
             (dir / "content.edi").string(), "-CAfile", cert_file, "-out", "/dev/null"});
    // And a partner encrypts to it with openssl.
    openssl({"cms", "-encrypt", "-binary", "-aes-256-cbc", "-in", (dir / "content.edi").string(), "-outform", "DER", "-out",
             (dir / "enc.p7m").string(), cert_file});
    auto d = cli({"cms", "decrypt", "--key", key_file, "--cert", cert_file, "--passphrase-env", "PW", (dir / "enc.p7m").string(),
                      "-o", (dir / "plain.edi").string()},
                     {}, {{"PW", "onboarding pw"}});
    CHECK(d.exit_code == 0);
    CHECK(read_file(dir / "plain.edi") == kContent);
  }
  SECTION("existing files are not overwritten without --force") {
    const std::string old_key = read_file(key_file), old_cert = read_file(cert_file);
    auto again = cli({"cert", "new", "--cn", "other", "--type", "ec-p256", "--key-out", key_file, "--cert-out", cert_file});
    CHECK(again.exit_code == kIo);
    CHECK(lines(again.err) == 1);
    CHECK(read_file(key_file) == old_key);
    CHECK(read_file(cert_file) == old_cert);
    auto forced = cli({"cert", "new", "--force", "--cn", "other", "--type", "ec-p256", "--key-out", key_file, "--cert-out", cert_file});
    CHECK(forced.exit_code == 0);
    CHECK(read_file(cert_file) != old_cert);
    CHECK(read_file(key_file).starts_with("-----BEGIN PRIVATE KEY-----"));
    CHECK(contains(forced.err, "not protected by a passphrase"));
    REQUIRE(::stat(key_file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(contains(cli({"cert", "show", cert_file}).out, "key:         EC P-256\n"));
    CHECK(unexpected_files(dir.path(), {"acme.key", "acme.crt"}).empty());
  }
}

TEST_CASE("cert new and cert show: bad requests", "[cms][cli][cert][negative]") {
  TempDir dir;
  const auto key_file = (dir / "k.pem").string();
  const auto cert_file = (dir / "c.pem").string();
  SECTION("an unknown key type: exit 2") {
    auto n = cli({"cert", "new", "--cn", "x", "--type", "dsa1024", "--key-out", key_file, "--cert-out", cert_file});
    CHECK(n.exit_code == kUsage);
    CHECK(lines(n.err) == 1);
  }
  SECTION("a bad country, DNS name or validity: exit 2") {
    CHECK(cli({"cert", "new", "--cn", "x", "--country", "Germany", "--key-out", key_file, "--cert-out", cert_file}).exit_code == kUsage);
    CHECK(cli({"cert", "new", "--cn", "x", "--dns", "bad name", "--key-out", key_file, "--cert-out", cert_file}).exit_code == kUsage);
    CHECK(cli({"cert", "new", "--cn", "x", "--days", "0", "--key-out", key_file, "--cert-out", cert_file}).exit_code == kUsage);
  }
  SECTION("the same file for key and certificate: exit 2") {
    CHECK(cli({"cert", "new", "--cn", "x", "--key-out", key_file, "--cert-out", key_file}).exit_code == kUsage);
  }
  SECTION("--cn is required: exit 2") {
    CHECK(cli({"cert", "new", "--key-out", key_file, "--cert-out", cert_file}).exit_code == kUsage);
  }
  SECTION("show: a missing file is exit 8, garbage exit 3") {
    auto missing = cli({"cert", "show", (dir / "none.pem").string()});
    CHECK(missing.exit_code == kIo);
    CHECK(contains(missing.err, "none.pem"));
    write_file(dir / "garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    auto garbage = cli({"cert", "show", (dir / "garbage.pem").string()});
    CHECK(garbage.exit_code == kBadData);
    CHECK(lines(garbage.err) == 1);
  }
  // Nothing was written by any of the refused requests.
  CHECK(unexpected_files(dir.path(), {"garbage.pem"}).empty());
}

TEST_CASE("cert show: a bundle and a DER certificate made by openssl", "[cms][cli][cert]") {
  TempDir dir;
  write_file(dir / "bundle.pem", read_file(crt("rsa")) + read_file(crt("ec384")));
  auto s = cli({"cert", "show", (dir / "bundle.pem").string()});
  REQUIRE(s.exit_code == 0);
  CHECK(contains(s.out, "subject:     O=payload tests,CN=rsa\n"));
  CHECK(contains(s.out, "key:         EC P-384\n"));
  openssl({"x509", "-in", crt("expired"), "-outform", "DER", "-out", (dir / "expired.der").string()});
  auto expired = cli({"cert", "show", "--json", (dir / "expired.der").string()});
  REQUIRE(expired.exit_code == 0);
  CHECK(contains(expired.out, "\"validity\":\"expired\""));
  CHECK(contains(expired.out, "\"not_after\":\"2021-01-01T00:00:00Z\""));
}
