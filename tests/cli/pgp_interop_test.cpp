// Interoperability of `payload pgp` with the gpg command and with rnp, both directions.
#include <catch2/catch.hpp>

#include "support/cli_fixture.h"

using namespace payload::test;

namespace {
const std::string kEdi = "ISA*00*          *00*          *ZZ*OURS           *ZZ*PARTNER        *261122*0100*U*00401*000000001*0*P*>~\r\n"
                         "GS*IN*OURS*PARTNER*20261122*0100*1*X*004010~\r\nST*810*0001~\r\n";

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }
}  // namespace

TEST_CASE("gpg encrypts and signs for us, payload decrypts and insists on the partner's signature") {
  for (const char* algo : {"ed25519", "rsa3072"}) {
    SECTION(algo) {
      Partners p(algo);
      write_file(p.dir / "invoice.x12", kEdi);
      p.gpg({"--trust-model", "always", "-e", "-s", "-r", p.our_fpr, "-u", p.partner_fpr, "-o", (p.dir / "invoice.x12.pgp").string(),
             (p.dir / "invoice.x12").string()});
      auto r = p.payload({"pgp", "decrypt", (p.dir / "invoice.x12.pgp").string(), "-o", (p.dir / "out.x12").string(), "--require-signer",
                          p.partner_fpr, "--json"});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      CHECK(read_file(p.dir / "out.x12") == kEdi);
      CHECK(contains(r.out, "\"status\":\"good\""));
      CHECK(contains(r.out, p.partner_fpr));
    }
  }
}

TEST_CASE("payload encrypts and signs for the partner, gpg decrypts and verifies") {
  Partners p;
  write_file(p.dir / "invoice.x12", kEdi);
  auto r = p.payload({"pgp", "encrypt", "-r", p.partner_fpr, "--sign-with", p.our_fpr, (p.dir / "invoice.x12").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto d = p.gpg_run({"--status-fd", "2", "-d", (p.dir / "invoice.x12.pgp").string()});
  INFO(d.err);
  REQUIRE(d.exit_code == 0);
  CHECK(d.out == kEdi);
  CHECK(contains(d.err, "[GNUPG:] VALIDSIG"));
  CHECK(contains(d.err, p.our_fpr));
  CHECK(contains(d.err, "[GNUPG:] DECRYPTION_OKAY"));
}

TEST_CASE("signatures cross both ways with gpg: detached, clearsigned, inline") {
  Partners p;
  write_file(p.dir / "data.txt", kEdi);
  const auto data = (p.dir / "data.txt").string();

  SECTION("gpg signs, payload verifies") {
    p.gpg({"--detach-sign", "-u", p.partner_fpr, "-o", data + ".sig", data});
    auto r = p.payload({"pgp", "verify", data, data + ".sig", "--require-signer", p.partner_fpr});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    p.gpg({"--clearsign", "-u", p.partner_fpr, "-o", data + ".asc", data});
    auto c = p.payload({"pgp", "verify", data + ".asc", "-o", (p.dir / "content.txt").string()});
    INFO(c.err);
    CHECK(c.exit_code == 0);
    CHECK(contains(read_file(p.dir / "content.txt"), "ST*810*0001~"));
  }
  SECTION("payload signs, gpg verifies") {
    for (const std::vector<std::string>& mode : {std::vector<std::string>{}, {"--armor"}, {"--clearsign"}, {"--inline"}}) {
      std::vector<std::string> args{"pgp", "sign", data, "-f", "-o", data + ".out", "--sign-with", p.our_fpr};
      args.insert(args.end(), mode.begin(), mode.end());
      auto r = p.payload(args);
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      auto v = mode.empty() || mode[0] == "--armor" ? p.gpg_run({"--status-fd", "2", "--verify", data + ".out", data})
                                                     : p.gpg_run({"--status-fd", "2", "--verify", data + ".out"});
      INFO(v.err);
      CHECK(v.exit_code == 0);
      CHECK(contains(v.err, "[GNUPG:] VALIDSIG"));
    }
  }
}

TEST_CASE("a detached signature over a file gpg reads itself: names gpg would take for descriptors, a changed byte") {
  // payload hands gpg the signed file's name instead of pumping it through GPGME; the name
  // must reach gpg as that file, relative or not, whatever characters it holds.
  Partners p;
  std::string data;
  for (int i = 0; data.size() < 3 * 1024 * 1024; ++i) data += kEdi + std::to_string(i) + "\n";
  const std::string name = "-&3";  // gpg --enable-special-filenames: descriptor 3
  write_file(p.dir / name, data);
  p.gpg({"--detach-sign", "-u", p.partner_fpr, "-o", (p.dir / "signature.sig").string(), (p.dir / name).string()});
  const auto verify_in_dir = [&] {
    return run({"/bin/sh", "-c", "cd \"$1\" && exec \"$2\" pgp verify --home \"$3\" --require-signer \"$4\" -- \"$5\" signature.sig", "sh",
                p.dir.path().string(), payload_cli(), p.ours.string(), p.partner_fpr, name});
  };
  auto good = verify_in_dir();
  INFO(good.err);
  CHECK(good.exit_code == 0);
  CHECK(contains(good.err, "good signature"));

  data[data.size() / 2] ^= 1;
  write_file(p.dir / name, data);
  auto bad = verify_in_dir();
  INFO(bad.err);
  CHECK(bad.exit_code == 4);
}

TEST_CASE("rnp and payload exchange encrypted and signed files both ways") {
  Partners p;
  write_file(p.dir / "orders.csv", "id,qty\n1,10\n2,20\n");
  const auto csv = (p.dir / "orders.csv").string();

  SECTION("rnp encrypts and signs for us") {
    auto keys = p.dir / "rnp-keys.asc";
    write_file(keys, read_file(p.partner_secret) + read_file(p.our_public));
    auto e = run({"rnp", "--keyfile", keys.string(), "-e", "-s", "-r", p.our_fpr, "-u", p.partner_fpr, "--password", "", csv, "--output",
                  csv + ".rnp"});
    INFO(e.err);
    REQUIRE(e.exit_code == 0);
    auto r = p.payload({"pgp", "decrypt", csv + ".rnp", "-o", (p.dir / "back.csv").string(), "--require-signer", p.partner_fpr});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(read_file(p.dir / "back.csv") == read_file(csv));
  }
  SECTION("payload encrypts and signs for rnp") {
    auto r = p.payload({"pgp", "encrypt", "-r", p.partner_fpr, "--sign-with", p.our_fpr, csv});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto keys = p.dir / "rnp-keys.asc";
    write_file(keys, read_file(p.partner_secret) + read_file(p.our_public));
    auto d = run({"rnp", "--keyfile", keys.string(), "-d", csv + ".pgp", "--password", "", "--output", (p.dir / "rnp-out.csv").string()});
    INFO(d.err);
    REQUIRE(d.exit_code == 0);
    CHECK(read_file(p.dir / "rnp-out.csv") == read_file(csv));
    CHECK(contains(d.err, "Good signature"));
  }
  SECTION("rnp signs detached, payload verifies, payload signs, rnp verifies") {
    auto e = run({"rnp", "--keyfile", p.partner_secret.string(), "--sign", "--detach", "-u", p.partner_fpr, "--password", "", csv, "--output",
                  csv + ".sig"});
    INFO(e.err);
    REQUIRE(e.exit_code == 0);
    auto v = p.payload({"pgp", "verify", csv, csv + ".sig", "--require-signer", p.partner_fpr});
    INFO(v.err);
    CHECK(v.exit_code == 0);

    auto s = p.payload({"pgp", "sign", csv, "-o", csv + ".ours.sig", "--sign-with", p.our_fpr});
    REQUIRE(s.exit_code == 0);
    auto rv = run({"rnp", "--keyfile", p.our_public.string(), "-v", csv + ".ours.sig", "--source", csv});
    INFO(rv.err);
    CHECK(rv.exit_code == 0);
    CHECK(contains(rv.err, "Good signature"));
  }
}

TEST_CASE("verify against a partner's public key file instead of the keyring") {
  Partners p;
  write_file(p.dir / "data.txt", kEdi);
  const auto data = (p.dir / "data.txt").string();
  p.gpg({"--detach-sign", "-u", p.partner_fpr, "-o", data + ".sig", data});
  TempDir empty;
  const auto argv_for = [&](const std::filesystem::path& key_file) {
    return std::vector<std::string>{payload_cli(), "pgp", "verify", data, data + ".sig", "--signer-file", key_file.string(),
                                    "--home", (empty / "unused").string()};
  };
  auto good = run(argv_for(p.partner_public));
  INFO(good.err);
  CHECK(good.exit_code == 0);
  CHECK(contains(good.err, "good signature"));
  // Only the named key counts: our own key file cannot vouch for the partner's signature.
  auto other = run(argv_for(p.our_public));
  CHECK(other.exit_code == 4);
  CHECK(contains(other.err, "unknown-key"));
}
