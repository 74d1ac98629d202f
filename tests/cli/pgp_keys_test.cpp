// `payload pgp key ...`: generation of every key type with expiry, listing with JSON,
// import from files and stdin (armored and binary), export rules, deletion rules.
#include <catch2/catch.hpp>

#include "support/cli_fixture.h"

using namespace payload::test;

namespace {
bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

RunResult payload_in(const std::filesystem::path& home, std::vector<std::string> args, const std::string& input = {}) {
  std::vector<std::string> argv{payload_cli()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--home", home.string()});
  return run(argv, input);
}
}  // namespace

TEST_CASE("key generation: RSA and Ed25519, with and without expiry, listed with every field") {
  TempDir dir;
  const auto home = dir / "keys";
  struct Case {
    std::string type, algorithm, subkey_algorithm, expires;
  };
  for (const Case& c : {Case{"rsa2048", "rsa2048", "rsa2048", "2y"}, Case{"ed25519", "ed25519", "cv25519", "never"},
                        Case{"rsa3072", "rsa3072", "rsa3072", "2031-01-01"}}) {
    INFO(c.type);
    auto g = payload_in(home, {"pgp", "key", "generate", "--uid", c.type + " <" + c.type + "@example.test>", "--type", c.type, "--expires", c.expires,
                               "--json", "-q"});
    INFO(g.err);
    REQUIRE(g.exit_code == 0);
    CHECK(contains(g.out, "\"algorithm\":\"" + c.algorithm + "\""));
    CHECK(contains(g.out, "\"algorithm\":\"" + c.subkey_algorithm + "\""));
    CHECK(contains(g.out, "\"capabilities\":\"SC\""));
    CHECK(contains(g.out, "\"capabilities\":\"E\""));
    CHECK(contains(g.out, "\"secret\":true"));
    CHECK(contains(g.out, "\"created\":\"20"));
    if (c.expires == "never") CHECK(contains(g.out, "\"expires\":\"\""));
    else if (c.expires == "2y") CHECK_FALSE(contains(g.out, "\"expires\":\"\""));
    else CHECK(contains(g.out, "\"expires\":\"2031-01-01"));
  }
  // gpg agrees on what was made.
  auto listing = run({"gpg", "--homedir", home.string(), "--with-colons", "--list-keys"});
  CHECK(contains(listing.out, "rsa2048@example.test"));
  CHECK(contains(listing.out, "ed25519@example.test"));
  kill_agent(home);

  auto list = payload_in(home, {"pgp", "key", "list", "--json"});
  REQUIRE(list.exit_code == 0);
  CHECK(contains(list.out, "\"user_ids\":[\"ed25519 <ed25519@example.test>\"]"));
  auto text = payload_in(home, {"pgp", "key", "list", "rsa2048@example.test"});
  CHECK(contains(text.out, "sec rsa2048"));
  CHECK(contains(text.out, "uid rsa2048 <rsa2048@example.test>"));
  CHECK_FALSE(contains(text.out, "ed25519@example.test"));

  CHECK(payload_in(home, {"pgp", "key", "generate", "--uid", "X <x@example.test>", "--type", "dsa1024"}).exit_code == 2);
  CHECK(payload_in(home, {"pgp", "key", "generate", "--uid", "X <x@example.test>", "--expires", "2001-01-01"}).exit_code == 2);
}

TEST_CASE("import from stdin and files, armored and binary; export public by default, secret only when asked") {
  Partners p;
  TempDir other;
  const auto home = other / "keys";
  // Binary public key from stdin.
  const auto binary = p.gpg({"--export", p.partner_fpr});
  auto i = payload_in(home, {"pgp", "key", "import", "--json"}, binary);
  INFO(i.err);
  REQUIRE(i.exit_code == 0);
  CHECK(contains(i.out, p.partner_fpr));
  // Armored secret key from a file.
  auto s = payload_in(home, {"pgp", "key", "import", p.partner_secret.string()});
  REQUIRE(s.exit_code == 0);
  auto secrets = payload_in(home, {"pgp", "key", "list", "--secret", "--json"});
  CHECK(contains(secrets.out, p.partner_fpr));
  // Garbage is refused.
  auto bad = payload_in(home, {"pgp", "key", "import"}, "not a key\n");
  CHECK(bad.exit_code == 3);

  auto pub = payload_in(home, {"pgp", "key", "export", p.partner_fpr});
  REQUIRE(pub.exit_code == 0);
  CHECK(contains(pub.out, "-----BEGIN PGP PUBLIC KEY BLOCK-----"));
  CHECK_FALSE(contains(pub.out, "PRIVATE KEY"));
  auto sec = payload_in(home, {"pgp", "key", "export", "--secret", p.partner_fpr});
  REQUIRE(sec.exit_code == 0);
  CHECK(contains(sec.out, "-----BEGIN PGP PRIVATE KEY BLOCK-----"));
  auto bin = payload_in(home, {"pgp", "key", "export", "--binary", p.partner_fpr, "-o", (other / "k.gpg").string()});
  REQUIRE(bin.exit_code == 0);
  CHECK(read_file(other / "k.gpg") == binary);
  CHECK(payload_in(home, {"pgp", "key", "export", "nobody@example.test"}).exit_code == 5);

  // Deleting a key with a secret part needs --secret.
  CHECK(payload_in(home, {"pgp", "key", "delete", p.partner_fpr}).exit_code == 2);
  CHECK(payload_in(home, {"pgp", "key", "delete", "--secret", p.partner_fpr}).exit_code == 0);
  auto after = payload_in(home, {"pgp", "key", "list", "--json"});
  CHECK_FALSE(contains(after.out, p.partner_fpr));
  kill_agent(home);
}

TEST_CASE("a progress bar on a terminal, none with --quiet or when not a terminal") {
  Partners p;
  write_file(p.dir / "big.bin", pseudo_random_bytes(8 * 1024 * 1024, 3));
  const auto command = payload_cli() + " pgp encrypt -r " + p.partner_fpr + " --compress none -f " + (p.dir / "big.bin").string() +
                       " --home " + p.ours.string();
  // `script` gives the command a pseudo-terminal.
  auto tty = run({"script", "-qec", command, "/dev/null"});
  CHECK(tty.exit_code == 0);
  CHECK(contains(tty.out, "encrypting ["));
  auto quiet = run({"script", "-qec", command + " --quiet", "/dev/null"});
  CHECK(quiet.exit_code == 0);
  CHECK_FALSE(contains(quiet.out, "encrypting ["));
  auto piped = p.payload({"pgp", "encrypt", "-r", p.partner_fpr, "-f", (p.dir / "big.bin").string()});
  CHECK(piped.exit_code == 0);
  CHECK_FALSE(contains(piped.err, "encrypting ["));
}
