// Bad input and refused operations: each ends with its documented exit code, one clear
// line on stderr, and nothing written at the target path (no partial files either).
#include <catch2/catch.hpp>

#include <algorithm>

#include "support/cli_fixture.h"

using namespace payload::test;

namespace {

// Exit codes, docs/exit-codes.md.
constexpr int kUsage = 2, kBadData = 3, kBadSignature = 4, kNoKey = 5, kKeyUnusable = 6, kBadPassphrase = 7, kIo = 8;

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// Nothing but `keep` files in the directory: no output, no *.part-* leftovers.
std::vector<std::string> unexpected_files(const std::filesystem::path& dir, const std::vector<std::string>& keep) {
  std::vector<std::string> extra;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (std::find(keep.begin(), keep.end(), name) == keep.end()) extra.push_back(name);
  }
  return extra;
}

int lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST_CASE("corrupt encrypted files are refused and leave no plaintext") {
  Partners p;
  const auto work = p.dir / "work";
  std::filesystem::create_directory(work);
  const auto plain = pseudo_random_bytes(3 * 1024 * 1024, 7);
  write_file(work / "data.bin", plain);
  // Uncompressed, so that the flipped byte lands in the encrypted literal data itself.
  auto e = p.payload({"pgp", "encrypt", "-r", p.our_fpr, "--compress", "none", (work / "data.bin").string()});
  REQUIRE(e.exit_code == 0);
  const auto cipher = read_file(work / "data.bin.pgp");
  std::filesystem::remove(work / "data.bin");

  SECTION("a flipped byte") {
    auto tampered = cipher;
    tampered[tampered.size() / 2] ^= 0x01;
    write_file(work / "data.bin.pgp", tampered);
    REQUIRE(read_file(work / "data.bin.pgp") != cipher);
  }
  SECTION("a truncated file") {
    write_file(work / "data.bin.pgp", cipher.substr(0, cipher.size() * 2 / 3));
    REQUIRE(std::filesystem::file_size(work / "data.bin.pgp") < cipher.size());
  }
  SECTION("an empty file") {
    write_file(work / "data.bin.pgp", "");
    REQUIRE(std::filesystem::file_size(work / "data.bin.pgp") == 0);
  }
  SECTION("not OpenPGP at all") {
    write_file(work / "data.bin.pgp", "ISA*00*just text\r\n");
    REQUIRE(read_file(work / "data.bin.pgp").size() == 18);
  }

  auto d = p.payload({"pgp", "decrypt", (work / "data.bin.pgp").string()});
  CHECK(d.exit_code == kBadData);
  CHECK(lines(d.err) == 1);
  CHECK(contains(d.err, "data.bin.pgp"));
  CHECK(unexpected_files(work, {"data.bin.pgp"}).empty());

  // To stdout: the plaintext is spooled and never released.
  auto s = p.payload({"pgp", "decrypt"}, read_file(work / "data.bin.pgp"));
  CHECK(s.exit_code == kBadData);
  CHECK(s.out.empty());
}

TEST_CASE("a message without integrity protection (no MDC) is refused") {
  Partners p;
  write_file(p.dir / "old.txt", "legacy partner payload\n");
  p.gpg({"--rfc2440", "--cipher-algo", "CAST5", "--passphrase", "pw", "-c", "-o", (p.dir / "old.pgp").string(), (p.dir / "old.txt").string()});
  auto d = p.payload({"pgp", "decrypt", (p.dir / "old.pgp").string(), "-o", (p.dir / "old.out").string(), "--passphrase-env", "PW"}, {},
                     {{"PW", "pw"}});
  CHECK(d.exit_code == kBadData);
  CHECK(contains(d.err, "integrity"));
  CHECK_FALSE(std::filesystem::exists(p.dir / "old.out"));
}

TEST_CASE("a message for somebody else's key names the key ids it was for") {
  Partners p;
  write_file(p.dir / "for-partner.txt", "only for the partner\n");
  p.gpg({"--trust-model", "always", "-e", "-r", p.partner_fpr, "-o", (p.dir / "x.pgp").string(), (p.dir / "for-partner.txt").string()});
  auto d = p.payload({"pgp", "decrypt", (p.dir / "x.pgp").string(), "-o", (p.dir / "x.out").string()});
  CHECK(d.exit_code == kNoKey);
  CHECK(contains(d.err, "no secret key"));
  CHECK_FALSE(std::filesystem::exists(p.dir / "x.out"));
}

TEST_CASE("wrong and missing passphrases") {
  Partners p;
  write_file(p.dir / "msg.txt", "secret\n");
  SECTION("symmetric, wrong passphrase") {
    auto e = p.payload({"pgp", "encrypt", "--symmetric", "--passphrase-env", "PW", (p.dir / "msg.txt").string()}, {}, {{"PW", "right"}});
    REQUIRE(e.exit_code == 0);
    auto d = p.payload({"pgp", "decrypt", (p.dir / "msg.txt.pgp").string(), "-o", (p.dir / "out.txt").string(), "--passphrase-env", "PW"}, {},
                       {{"PW", "wrong"}});
    CHECK(d.exit_code == kBadPassphrase);
    CHECK_FALSE(std::filesystem::exists(p.dir / "out.txt"));
    auto ok = p.payload({"pgp", "decrypt", (p.dir / "msg.txt.pgp").string(), "-o", (p.dir / "out.txt").string(), "--passphrase-file",
                         (p.dir / "pw").string()});
    CHECK(ok.exit_code == kIo);  // the passphrase file does not exist
    write_file(p.dir / "pw", "right\n");
    auto good = p.payload({"pgp", "decrypt", (p.dir / "msg.txt.pgp").string(), "-o", (p.dir / "out.txt").string(), "--passphrase-file",
                           (p.dir / "pw").string()});
    CHECK(good.exit_code == 0);
    CHECK(read_file(p.dir / "out.txt") == "secret\n");
  }
  SECTION("a protected key: wrong, missing, and right passphrase") {
    write_file(p.dir / "pw", "correct horse\n");
    auto g = p.payload({"pgp", "key", "generate", "--uid", "Locked <locked@ours.test>", "--type", "ed25519", "--passphrase-file",
                        (p.dir / "pw").string(), "--json"});
    REQUIRE(g.exit_code == 0);
    const auto fpr = g.out.substr(g.out.find("\"fingerprint\":\"") + 15, 40);
    auto wrong = p.payload({"pgp", "sign", (p.dir / "msg.txt").string(), "--sign-with", fpr, "--passphrase-env", "PW"}, {}, {{"PW", "nope"}});
    CHECK(wrong.exit_code == kBadPassphrase);
    auto missing = p.payload({"pgp", "sign", (p.dir / "msg.txt").string(), "--sign-with", fpr});
    CHECK(missing.exit_code == kBadPassphrase);
    CHECK_FALSE(std::filesystem::exists(p.dir / "msg.txt.sig"));
    auto right = p.payload({"pgp", "sign", (p.dir / "msg.txt").string(), "--sign-with", fpr, "--passphrase-fd", "0"}, "correct horse\n");
    INFO(right.err);
    CHECK(right.exit_code == 0);
    CHECK(std::filesystem::exists(p.dir / "msg.txt.sig"));
  }
}

TEST_CASE("a locked key without its passphrase lets gpg go on to the message's other ways in") {
  Partners p;
  write_file(p.dir / "msg.txt", "for two keys\n");
  write_file(p.dir / "pw", "correct horse\n");
  auto g = p.payload({"pgp", "key", "generate", "--uid", "Locked <locked@ours.test>", "--type", "ed25519", "--passphrase-file",
                      (p.dir / "pw").string(), "--json"});
  REQUIRE(g.exit_code == 0);
  const auto locked = g.out.substr(g.out.find("\"fingerprint\":\"") + 15, 40);
  SECTION("another secret key of ours, without a passphrase, opens it") {
    // The locked key's packet comes first, so gpg asks for its passphrase before it tries ours.
    auto e = p.payload({"pgp", "encrypt", (p.dir / "msg.txt").string(), "-o", (p.dir / "msg.pgp").string(), "-r", locked, "-r", p.our_fpr});
    REQUIRE(e.exit_code == 0);
    auto d = p.payload({"pgp", "decrypt", (p.dir / "msg.pgp").string(), "-o", (p.dir / "out.txt").string()});
    INFO(d.err);
    CHECK(d.exit_code == 0);
    CHECK(read_file(p.dir / "out.txt") == "for two keys\n");
  }
  SECTION("nothing else opens it: the error stays the missing passphrase") {
    write_file(p.dir / "sym", "other words\n");
    auto e = p.payload({"pgp", "encrypt", (p.dir / "msg.txt").string(), "-o", (p.dir / "msg.pgp").string(), "--symmetric",
                        "--passphrase-file", (p.dir / "sym").string(), "-r", locked});
    REQUIRE(e.exit_code == 0);
    auto d = p.payload({"pgp", "decrypt", (p.dir / "msg.pgp").string(), "-o", (p.dir / "out.txt").string()});
    CHECK(d.exit_code == kBadPassphrase);
    CHECK(contains(d.err, "passphrase"));
    CHECK_FALSE(std::filesystem::exists(p.dir / "out.txt"));
    auto right = p.payload({"pgp", "decrypt", (p.dir / "msg.pgp").string(), "-o", (p.dir / "out.txt").string(), "--passphrase-file",
                            (p.dir / "sym").string()});
    CHECK(right.exit_code == 0);
    CHECK(read_file(p.dir / "out.txt") == "for two keys\n");
  }
}

TEST_CASE("expired and revoked partner keys: no encryption to them, their signatures not accepted") {
  Partners p;
  write_file(p.dir / "doc.txt", "purchase order\n");
  const auto doc = (p.dir / "doc.txt").string();
  std::string fpr;
  std::string expected;
  SECTION("expired") {
    // Made in 2020 with a one-day lifetime, signed while it was valid.
    p.gpg({"--faked-system-time", "20200101T000000", "--passphrase", "", "--quick-gen-key", "Old <old@partner.test>", "ed25519", "sign", "1d"});
    fpr = p.gpg({"--with-colons", "--list-keys", "old@partner.test"});
    fpr = fpr.substr(fpr.find("\nfpr:") + 5);
    fpr = fpr.substr(fpr.find_first_not_of(':'), 40);
    p.gpg({"--faked-system-time", "20200101T010000", "--passphrase", "", "--quick-add-key", fpr, "cv25519", "encr", "1d"});
    p.gpg({"--faked-system-time", "20200101T020000", "--detach-sign", "-u", fpr, "-o", doc + ".sig", doc});
    expected = "expired";
    REQUIRE(fpr.size() == 40);
  }
  SECTION("revoked") {
    fpr = gpg_generate(p.partner_home.path(), "Gone <gone@partner.test>");
    p.gpg({"--detach-sign", "-u", fpr, "-o", doc + ".sig", doc});
    auto rev = read_file(p.partner_home.path() / "openpgp-revocs.d" / (fpr + ".rev"));
    rev.replace(rev.find(":-----BEGIN"), 1, "");  // gpg stores it disarmed by a leading ':'
    p.gpg({"--import"}, rev);
    expected = "revoked";
    REQUIRE(fpr.size() == 40);
  }
  auto exported = p.dir / "partner-key.asc";
  write_file(exported, p.gpg({"--armor", "--export", fpr}));
  REQUIRE(p.payload({"pgp", "key", "import", exported.string(), "-q"}).exit_code == 0);

  auto e = p.payload({"pgp", "encrypt", "-r", fpr, doc});
  CHECK(e.exit_code == kKeyUnusable);
  CHECK(contains(e.err, expected));
  CHECK_FALSE(std::filesystem::exists(doc + ".pgp"));

  auto v = p.payload({"pgp", "verify", doc, doc + ".sig", "--json"});
  INFO(v.out);
  CHECK(v.exit_code == kBadSignature);
  CHECK(contains(v.out, "\"status\":\"" + expected + "-key\""));
}

TEST_CASE("a required signer that did not sign, and a changed signed file") {
  Partners p;
  write_file(p.dir / "doc.txt", "purchase order\n");
  const auto doc = (p.dir / "doc.txt").string();
  p.gpg({"--trust-model", "always", "-e", "-r", p.our_fpr, "-o", doc + ".pgp", doc});  // encrypted, not signed
  auto d = p.payload({"pgp", "decrypt", doc + ".pgp", "-o", (p.dir / "out.txt").string(), "--require-signer", p.partner_fpr});
  CHECK(d.exit_code == kBadSignature);
  CHECK_FALSE(std::filesystem::exists(p.dir / "out.txt"));

  p.gpg({"--detach-sign", "-u", p.partner_fpr, "-o", doc + ".sig", doc});
  write_file(p.dir / "doc.txt", "purchase order, amended\n");
  auto v = p.payload({"pgp", "verify", doc, doc + ".sig"});
  CHECK(v.exit_code == kBadSignature);
  CHECK(contains(v.err, "bad"));
}

TEST_CASE("usage and I/O errors") {
  Partners p;
  CHECK(p.payload({"pgp", "encrypt", "--no-such-option"}).exit_code == kUsage);
  CHECK(p.payload({"pgp", "encrypt", "--cipher", "ROT13", "-r", p.partner_fpr}).exit_code == kUsage);
  auto missing = p.payload({"pgp", "encrypt", "-r", p.partner_fpr, (p.dir / "nope.txt").string()});
  CHECK(missing.exit_code == kIo);
  CHECK(contains(missing.err, "nope.txt"));
  write_file(p.dir / "a.txt", "a");
  write_file(p.dir / "a.txt.pgp", "already here");
  auto exists = p.payload({"pgp", "encrypt", "-r", p.partner_fpr, (p.dir / "a.txt").string()});
  CHECK(exists.exit_code == kIo);
  CHECK(read_file(p.dir / "a.txt.pgp") == "already here");
  CHECK(p.payload({"pgp", "encrypt", "-r", p.partner_fpr, (p.dir / "a.txt").string(), "--force"}).exit_code == 0);
  CHECK(p.payload({"pgp", "key", "delete", p.our_fpr}).exit_code == kUsage);  // has a secret part
  CHECK(p.payload({"pgp", "encrypt", "-r", "nobody@nowhere.test", (p.dir / "a.txt").string(), "-f"}).exit_code == kNoKey);
}
