// `payload sop`: every subcommand, its exit codes, and interoperability with Debian's sqop
// (Sequoia's Stateless OpenPGP) in both directions. Keys come from sqop (a third party)
// unless a test is about our own generate-key. Also the ASCII Armor codec and packet
// framing of libpayload that `armor`/`dearmor` stand on.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <payload/pgp/armor.h>
#include <payload/pgp/packet.h>

#include "support/run.h"
#include "support/temp_dir.h"

using namespace payload;
using payload::test::RunResult;
using payload::test::TempDir;
using payload::test::read_file;
using payload::test::write_file;

namespace {

const std::string kText = "Dear partner,\nthe invoice follows.\n\n- a line that starts with a dash\nFrom here on.\n";

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// The tag of the first packet of binary OpenPGP data, -1 when it is not binary OpenPGP.
int first_tag(const std::string& bytes) {
  if (bytes.empty() || !(static_cast<unsigned char>(bytes[0]) & 0x80)) return -1;
  const auto b = static_cast<unsigned char>(bytes[0]);
  return (b & 0x40) ? (b & 0x3f) : ((b >> 2) & 0x0f);
}

std::string with_crlf(const std::string& text) {
  std::string out;
  for (const char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    out.push_back(text.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out;
}

// A directory with sqop-made keys: alice (unprotected) and bob (password "sw0rdfish"),
// their certificates, and the environment the payload calls run in (TMPDIR inside the
// directory, so the throwaway keyrings of this test can be found afterwards).
struct Sop {
  TempDir dir;
  std::string alice_key, alice_cert, bob_key, bob_cert, bob_password;
  std::string alice_fpr;

  Sop() {
    std::filesystem::create_directory(dir / "tmp");
    alice_key = path("alice.key");
    alice_cert = path("alice.cert");
    bob_key = path("bob.key");
    bob_cert = path("bob.cert");
    bob_password = path("bob.pw");
    write_file(bob_password, "sw0rdfish\n");
    write_file(alice_key, ok(sqop({"generate-key", "Alice <alice@example.org>"})).out);
    write_file(alice_cert, ok(sqop({"extract-cert"}, read_file(alice_key))).out);
    write_file(bob_key, ok(sqop({"generate-key", "--with-key-password", bob_password, "Bob <bob@example.org>"})).out);
    write_file(bob_cert, ok(sqop({"extract-cert"}, read_file(bob_key))).out);
    // The primary fingerprint, from a verification line of sqop itself.
    write_file(path("probe"), "x");
    const auto sig = ok(sqop({"sign", alice_key}, "x")).out;
    write_file(path("probe.sig"), sig);
    const auto line = ok(sqop({"verify", path("probe.sig"), alice_cert}, "x")).out;
    alice_fpr = line.substr(line.rfind(' ') + 1, 40);
  }

  [[nodiscard]] std::string path(const std::string& name) const { return (dir / name).string(); }
  [[nodiscard]] std::map<std::string, std::string> env() const { return {{"TMPDIR", path("tmp")}}; }

  RunResult sop(std::vector<std::string> args, const std::string& input = {}, std::map<std::string, std::string> extra = {}) const {
    args.insert(args.begin(), {payload::test::payload_cli(), "sop"});
    auto environment = env();
    environment.insert(extra.begin(), extra.end());
    return payload::test::run(args, input, environment);
  }
  // Through a shell, for descriptors and working directories: `script` sees $P (payload).
  RunResult sh(const std::string& script, const std::string& input = {}) const {
    auto environment = env();
    environment["P"] = payload::test::payload_cli();
    return payload::test::run({"sh", "-c", script}, input, environment);
  }
  static RunResult sqop(std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), "sqop");
    return payload::test::run(args, input);
  }
  static const RunResult& ok(const RunResult& r) {
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  }
  RunResult ok_sop(std::vector<std::string> args, const std::string& input = {}) const {
    auto r = sop(std::move(args), input);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  }
  std::string save(const std::string& name, const std::string& content) const {
    write_file(path(name), content);
    return path(name);
  }
};

// gpg --list-packets: a third party's view of OpenPGP data.
std::string list_packets(const std::string& file) {
  TempDir home;
  ::chmod(home.path().c_str(), 0700);
  auto r = payload::test::run({"gpg", "--homedir", home.path().string(), "--batch", "--list-packets", file});
  payload::test::run({"gpgconf", "--homedir", home.path().string(), "--kill", "all"});
  return r.out;
}

// A key that expired in 2020, made by gpg itself with a faked clock: KEYS and CERTS files.
void expired_key(const std::string& key_file, const std::string& cert_file) {
  TempDir home;
  ::chmod(home.path().c_str(), 0700);
  const std::vector<std::string> gpg = {"gpg", "--homedir", home.path().string(), "--batch", "--pinentry-mode", "loopback", "--passphrase", ""};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), gpg.begin(), gpg.end());
    return Sop::ok(payload::test::run(args)).out;
  };
  with({"--faked-system-time", "20200101T000000", "--quick-gen-key", "Old <old@example.org>", "ed25519", "default", "1d"});
  const auto listing = with({"--with-colons", "--list-keys"});
  const auto fpr_at = listing.find("\nfpr:::::::::");
  REQUIRE(fpr_at != std::string::npos);
  const auto fpr = listing.substr(fpr_at + 13, 40);
  with({"--faked-system-time", "20200101T000000", "--quick-add-key", fpr, "cv25519", "encr", "1d"});
  write_file(key_file, with({"--armor", "--export-secret-keys"}));
  write_file(cert_file, with({"--armor", "--export"}));
  payload::test::run({"gpgconf", "--homedir", home.path().string(), "--kill", "all"});
}

}  // namespace

// ---------------------------------------------------------------- armor codec (library)

TEST_CASE("CRC-24 is the one of RFC 4880 6.1") {
  CHECK(pgp::crc24("") == 0xB704CEu);
  CHECK(pgp::crc24("123456789") == 0x21CF02u);  // the CRC-24/OPENPGP check value
  CHECK(pgp::crc24_update(pgp::crc24("12345"), "6789") == pgp::crc24("123456789"));
}

TEST_CASE("armor and dearmor round-trip every length, fed in any chunk size") {
  for (size_t size = 0; size < 200; ++size) {
    const auto data = payload::test::pseudo_random_bytes(size, static_cast<unsigned>(size + 7));
    const auto text = pgp::armor(data, pgp::ArmorKind::message);
    CHECK(text.rfind("-----BEGIN PGP MESSAGE-----\n\n", 0) == 0);
    CHECK(contains(text, "\n-----END PGP MESSAGE-----\n"));
    for (const auto& line : lines_of(text)) CHECK(line.size() <= 64);
    auto decoded = pgp::dearmor(text);
    REQUIRE(decoded);
    CHECK(*decoded == data);

    pgp::ArmorEncoder encoder(pgp::ArmorKind::signature);
    std::string streamed;
    for (size_t i = 0; i < data.size(); i += 7) streamed += encoder.update(std::string_view(data).substr(i, 7));
    streamed += encoder.finish();
    CHECK(streamed == pgp::armor(data, pgp::ArmorKind::signature));

    pgp::ArmorDecoder decoder;
    std::string bytes;
    for (const char c : streamed) {
      auto part = decoder.update(std::string_view(&c, 1));
      REQUIRE(part);
      bytes += *part;
    }
    auto rest = decoder.finish();
    REQUIRE(rest);
    CHECK(bytes + *rest == data);
    CHECK(decoder.label() == "PGP SIGNATURE");
  }
}

TEST_CASE("the armor decoder accepts what other writers produce") {
  const std::string data = "\xc2\x01\x02hello armor";
  const auto plain = pgp::armor(data, pgp::ArmorKind::signature);
  SECTION("headers, CRLF line ends and trailing blanks") {
    std::string text;
    for (const auto& line : lines_of(plain)) {
      text += line + "  \r\n";
      if (line.rfind("-----BEGIN", 0) == 0) text += "Comment: made elsewhere\r\nVersion: 1\r\n";
    }
    auto decoded = pgp::dearmor("\n\n" + text);
    REQUIRE(decoded);
    CHECK(*decoded == data);
  }
  SECTION("no checksum line (RFC 9580)") {
    std::string text;
    for (const auto& line : lines_of(plain))
      if (line.empty() || line[0] != '=') text += line + "\n";
    auto decoded = pgp::dearmor(text);
    REQUIRE(decoded);
    CHECK(*decoded == data);
  }
  SECTION("two blocks in a row") {
    auto decoded = pgp::dearmor(plain + plain);
    REQUIRE(decoded);
    CHECK(*decoded == data + data);
  }
}

TEST_CASE("the armor decoder refuses what is not armor") {
  const std::string data(100, 'x');
  const auto good = pgp::armor(data, pgp::ArmorKind::message);
  auto bad = [](const std::string& text) {
    auto r = pgp::dearmor(text);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_data);
    return r.error().message();
  };
  std::string changed = good;
  changed[40] = changed[40] == 'A' ? 'B' : 'A';
  CHECK(contains(bad(changed), "checksum"));
  std::string invalid = good;
  invalid[40] = '*';
  CHECK(contains(bad(invalid), "base64"));
  CHECK(contains(bad(good.substr(0, good.find("-----END"))), "truncated"));
  std::string mismatch = good;
  mismatch.replace(mismatch.find("END PGP MESSAGE"), 15, "END PGP SIGNATURE");
  CHECK(contains(bad(mismatch), "END line"));
  CHECK(contains(bad("hello world\n"), "no ASCII armor"));
  CHECK(contains(bad("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhi\n"), "cleartext"));
  bad("");
}

TEST_CASE("packet framing: new and old formats, partial lengths, truncation") {
  // New format, tag 11, partial length 512 then a final 3-octet length.
  std::string partial = "\xcb";
  partial += static_cast<char>(0xE9);  // 2^9 = 512
  partial += std::string(512, 'a');
  partial += "\x03" "bcd";
  partial += "\x88\x02zz";  // old format tag 2, one-octet length
  auto packets = pgp::split_packets(partial);
  REQUIRE(packets);
  REQUIRE(packets->size() == 2);
  CHECK((*packets)[0].tag == pgp::tag::literal);
  CHECK((*packets)[0].body == std::string(512, 'a') + "bcd");
  CHECK((*packets)[1].tag == pgp::tag::signature);
  CHECK((*packets)[1].body == "zz");
  CHECK((*packets)[1].encoded == "\x88\x02zz");

  pgp::PacketScanner scanner;
  std::vector<int> tags;
  for (const char c : partial) REQUIRE(scanner.feed(std::string_view(&c, 1), tags));
  CHECK(tags == std::vector<int>{pgp::tag::literal, pgp::tag::signature});
  CHECK(scanner.at_boundary());

  CHECK_FALSE(pgp::split_packets(partial.substr(0, partial.size() - 1)));
  pgp::PacketScanner cut;
  tags.clear();
  REQUIRE(cut.feed(std::string_view(partial).substr(0, 100), tags));
  CHECK_FALSE(cut.at_boundary());
  CHECK_FALSE(pgp::split_packets("plain text"));
  CHECK(pgp::encode_packet(2, std::string(300, 'q')).substr(0, 3) == "\xc2\xc0\x6c");  // 300 = ((192-192)<<8) + 108 + 192
}

TEST_CASE("the armor label follows the first packets") {
  using pgp::ArmorKind;
  auto kind = [](std::vector<int> tags, bool complete) { return pgp::armor_kind_for_packets(tags, complete); };
  CHECK(**kind({5, 13, 2}, false) == ArmorKind::private_key);
  CHECK(**kind({6}, false) == ArmorKind::public_key);
  CHECK(**kind({1, 18}, false) == ArmorKind::message);
  CHECK(**kind({4, 11}, false) == ArmorKind::message);
  CHECK_FALSE(*kind({2, 2}, false));  // more signatures may follow
  CHECK(**kind({2, 2}, true) == ArmorKind::signature);
  CHECK(**kind({2, 11}, false) == ArmorKind::message);
  CHECK_FALSE(kind({13}, true));
  CHECK_FALSE(kind({}, true));
}

// ---------------------------------------------------------------- meta

TEST_CASE("sop version, list-profiles and the subcommand table") {
  Sop s;
  auto v = s.ok_sop({"version"});
  CHECK(v.out.rfind("payload ", 0) == 0);
  CHECK(contains(s.ok_sop({"version", "--backend"}).out, "GnuPG 2."));
  const auto extended = s.ok_sop({"version", "--extended"}).out;
  CHECK(extended.rfind(v.out, 0) == 0);  // the first line is the plain version
  CHECK(s.ok_sop({"version", "--sop-spec"}).out.rfind("~draft-dkg-openpgp-stateless-cli-", 0) == 0);
  CHECK(s.ok_sop({"version", "--sopv"}).out == "1.0\n");
  CHECK(s.sop({"version", "--backend", "--extended"}).exit_code == 83);
  CHECK(s.sop({"version", "--frobnicate"}).exit_code == 37);

  const auto gen = lines_of(s.ok_sop({"list-profiles", "generate-key"}).out);
  REQUIRE(gen.size() == 2);
  CHECK(gen[0].rfind("default: ", 0) == 0);
  CHECK(gen[1].rfind("rfc4880: ", 0) == 0);
  CHECK(s.ok_sop({"list-profiles", "encrypt"}).out.rfind("default: ", 0) == 0);
  CHECK(s.sop({"list-profiles", "sign"}).exit_code == 89);
  CHECK(s.sop({"list-profiles"}).exit_code == 19);

  CHECK(s.sop({}).exit_code == 19);
  CHECK(s.sop({"frobnicate"}).exit_code == 69);
  CHECK(s.sop({"revoke-key"}).exit_code == 69);
  CHECK(s.sop({"change-key-password"}).exit_code == 69);
  CHECK(contains(s.ok_sop({"--help"}).out, "inline-detach"));
  CHECK(contains(s.ok_sop({"sign", "--help"}).out, "--micalg-out"));
}

// ---------------------------------------------------------------- keys

TEST_CASE("generate-key makes a key sqop can use, and extract-cert its certificate") {
  Sop s;
  const auto key = s.save("carol.key", s.ok_sop({"generate-key", "Carol <carol@example.org>", "Carol at work <carol@work.example>"}).out);
  CHECK(read_file(key).rfind("-----BEGIN PGP PRIVATE KEY BLOCK-----", 0) == 0);
  const auto packets = list_packets(key);
  CHECK(contains(packets, "\"Carol <carol@example.org>\""));
  CHECK(contains(packets, "\"Carol at work <carol@work.example>\""));
  CHECK(contains(packets, "algo 22"));  // EdDSA primary
  CHECK(contains(packets, "algo 18"));  // ECDH encryption subkey

  const auto cert = s.save("carol.cert", s.ok_sop({"extract-cert"}, read_file(key)).out);
  CHECK(read_file(cert).rfind("-----BEGIN PGP PUBLIC KEY BLOCK-----", 0) == 0);
  CHECK_FALSE(contains(list_packets(cert), "secret"));
  // sqop signs with our key and verifies with our certificate; it encrypts to it, we decrypt.
  const auto sig = s.save("m.sig", Sop::ok(Sop::sqop({"sign", key}, kText)).out);
  CHECK(Sop::sqop({"verify", sig, cert}, kText).exit_code == 0);
  const auto ciphertext = Sop::ok(Sop::sqop({"encrypt", cert}, kText)).out;
  CHECK(s.ok_sop({"decrypt", key}, ciphertext).out == kText);
  // Our extract-cert of sqop's key works for sqop.
  const auto alice_cert = s.save("alice-ours.cert", s.ok_sop({"extract-cert", "--no-armor"}, read_file(s.alice_key)).out);
  CHECK(first_tag(read_file(alice_cert)) == pgp::tag::public_key);
  const auto alice_sig = s.save("a.sig", Sop::ok(Sop::sqop({"sign", s.alice_key}, kText)).out);
  CHECK(Sop::sqop({"verify", alice_sig, alice_cert}, kText).exit_code == 0);
}

TEST_CASE("generate-key options and failures") {
  Sop s;
  SECTION("--no-armor, --signing-only: binary key without an encryption subkey") {
    const auto key = s.save("k.pgp", s.ok_sop({"generate-key", "--no-armor", "--signing-only", "Sig <sig@example.org>"}).out);
    CHECK(first_tag(read_file(key)) == pgp::tag::secret_key);
    CHECK_FALSE(contains(list_packets(key), "algo 18"));
    const auto cert = s.save("k.cert", s.ok_sop({"extract-cert"}, read_file(key)).out);
    CHECK(s.sop({"encrypt", cert}, kText).exit_code == 17);
    CHECK(Sop::sqop({"encrypt", cert}, kText).exit_code != 0);
  }
  SECTION("--with-key-password: the key is locked for sqop without it") {
    const auto pw = s.save("pw", "correct horse\n");
    const auto key = s.save("k.key", s.ok_sop({"generate-key", "--with-key-password", pw, "Locked <l@example.org>"}).out);
    CHECK(Sop::sqop({"sign", key}, kText).exit_code != 0);
    const auto sig = s.save("k.sig", Sop::ok(Sop::sqop({"sign", "--with-key-password", pw, key}, kText)).out);
    const auto cert = s.save("k.cert", s.ok_sop({"extract-cert"}, read_file(key)).out);
    CHECK(Sop::sqop({"verify", sig, cert}, kText).exit_code == 0);
    CHECK(s.sop({"sign", key}, kText).exit_code == 67);
    CHECK(s.sop({"sign", "--with-key-password", s.bob_password, key}, kText).exit_code == 67);
    CHECK(s.sop({"sign", "--with-key-password", s.bob_password, "--with-key-password", pw, key}, kText).exit_code == 0);
  }
  SECTION("refusals") {
    CHECK(s.sop({"generate-key"}).exit_code == 19);  // GnuPG keys carry a user ID
    CHECK(s.sop({"generate-key", "--profile", "rfc9580", "X <x@example.org>"}).exit_code == 89);
    CHECK(s.sop({"generate-key", "--with-key-password", s.save("bad.pw", "\xff\xfe"), "X <x@example.org>"}).exit_code == 31);
    CHECK(s.sop({"generate-key", "--armor", "X <x@example.org>"}).exit_code == 37);
    CHECK(s.sop({"extract-cert"}, read_file(s.alice_cert)).exit_code == 41);  // a certificate is no key
    CHECK(s.sop({"extract-cert"}, "not a key").exit_code == 41);
  }
}

// ---------------------------------------------------------------- detached signatures

TEST_CASE("sign and verify interoperate with sqop both ways") {
  Sop s;
  SECTION("payload signs, sqop and payload verify") {
    const auto micalg = s.path("micalg");
    const auto sig = s.save("m.sig", s.ok_sop({"sign", "--micalg-out", micalg, s.alice_key}, kText).out);
    CHECK(read_file(sig).rfind("-----BEGIN PGP SIGNATURE-----", 0) == 0);
    CHECK(read_file(micalg) == "pgp-sha256");
    CHECK(Sop::sqop({"verify", sig, s.alice_cert}, kText).exit_code == 0);
    const auto v = s.ok_sop({"verify", sig, s.alice_cert}, kText).out;
    const auto fields = lines_of(v);
    REQUIRE(fields.size() == 1);
    CHECK(contains(fields[0], " " + s.alice_fpr + " mode:binary {\"signers\":[\"" + s.alice_cert + "\"]}"));
  }
  SECTION("sqop signs in text mode, payload verifies with the mode") {
    const auto sig = s.save("t.sig", Sop::ok(Sop::sqop({"sign", "--as", "text", s.alice_key}, kText)).out);
    const auto v = s.ok_sop({"verify", sig, s.alice_cert}, kText).out;
    CHECK(contains(v, " mode:text "));
    // Text signatures do not depend on the line ends.
    CHECK(s.sop({"verify", sig, s.alice_cert}, with_crlf(kText)).exit_code == 0);
  }
  SECTION("payload signs in text mode with a locked key, binary output") {
    const auto sig = s.save("b.sig", s.ok_sop({"sign", "--as=text", "--no-armor", "--with-key-password", s.bob_password, s.bob_key}, kText).out);
    CHECK(first_tag(read_file(sig)) == pgp::tag::signature);
    CHECK(Sop::sqop({"verify", sig, s.bob_cert}, kText).exit_code == 0);
  }
  SECTION("several keys, several certificates") {
    const auto sig = s.save("two.sig", s.ok_sop({"sign", "--with-key-password", s.bob_password, s.alice_key, s.bob_key}, kText).out);
    const auto v = s.ok_sop({"verify", sig, s.alice_cert, s.bob_cert}, kText).out;
    CHECK(lines_of(v).size() == 2);
    CHECK(lines_of(s.ok_sop({"verify", sig, s.bob_cert}, kText).out).size() == 1);
  }
}

TEST_CASE("verify refuses what it cannot vouch for") {
  Sop s;
  const auto sig = s.save("m.sig", Sop::ok(Sop::sqop({"sign", s.alice_key}, kText)).out);
  CHECK(s.sop({"verify", sig, s.bob_cert}, kText).exit_code == 3);            // another signer
  CHECK(s.sop({"verify", sig, s.alice_cert}, kText + "x").exit_code == 3);    // changed data
  CHECK(s.sop({"verify", "--not-before", "2999-01-01T00:00:00Z", sig, s.alice_cert}, kText).exit_code == 3);
  CHECK(s.sop({"verify", "--not-after", "2001-01-01", sig, s.alice_cert}, kText).exit_code == 3);
  CHECK(s.sop({"verify", "--not-before", "-", "--not-after", "-", sig, s.alice_cert}, kText).exit_code == 0);
  CHECK(s.sop({"verify", "--not-after", "yesterday", sig, s.alice_cert}, kText).exit_code == 1);
  // An inline-signed message is no detached signature, even if it is valid on its own.
  const auto inline_signed = s.save("inline.asc", Sop::ok(Sop::sqop({"inline-sign", s.alice_key}, "other")).out);
  CHECK(s.sop({"verify", inline_signed, s.alice_cert}, kText).exit_code == 41);
  CHECK(s.sop({"verify", s.save("junk", "junk"), s.alice_cert}, kText).exit_code == 41);
  CHECK(s.sop({"verify", sig, s.save("junk.cert", "junk")}, kText).exit_code == 41);
  CHECK(s.sop({"verify", sig}, kText).exit_code == 19);
  CHECK(s.sop({"verify", sig, s.path("missing.cert")}, kText).exit_code == 61);
}

TEST_CASE("sign refuses certificates, locked keys, non-text and unknown modes") {
  Sop s;
  CHECK(s.sop({"sign", s.alice_cert}, kText).exit_code == 41);
  CHECK(s.sop({"sign"}, kText).exit_code == 19);
  CHECK(s.sop({"sign", s.bob_key}, kText).exit_code == 67);
  CHECK(s.sop({"sign", "--as=text", s.alice_key}, std::string("\xff\xfe binary", 9)).exit_code == 53);
  CHECK(s.sop({"sign", "--as=mime", s.alice_key}, kText).exit_code == 37);
  CHECK(s.sop({"sign", "--micalg-out", s.alice_cert, s.alice_key}, kText).exit_code == 59);
}

// ---------------------------------------------------------------- designators

TEST_CASE("special designators @ENV: and @FD:, and the errors around them") {
  Sop s;
  const auto sig = s.save("m.sig", Sop::ok(Sop::sqop({"sign", s.alice_key}, kText)).out);
  // KEYS from the environment, CERTS from a descriptor.
  const auto from_env = s.sop({"sign", "@ENV:ALICE_KEY"}, kText, {{"ALICE_KEY", read_file(s.alice_key)}});
  INFO(from_env.err);
  REQUIRE(from_env.exit_code == 0);
  const auto env_sig = s.save("env.sig", from_env.out);
  CHECK(Sop::sqop({"verify", env_sig, s.alice_cert}, kText).exit_code == 0);
  const auto fd = s.sh("exec \"$P\" sop verify " + sig + " @FD:3 3<" + s.alice_cert, kText);
  INFO(fd.err);
  CHECK(fd.exit_code == 0);
  CHECK(contains(fd.out, "{\"signers\":[\"@FD:3\"]}"));
  // Output to a descriptor.
  const auto out_fd = s.sh("exec \"$P\" sop inline-verify --verifications-out @FD:3 " + s.alice_cert + " 3>" + s.path("verifs") + " <" +
                           s.save("signed.asc", Sop::ok(Sop::sqop({"inline-sign", s.alice_key}, kText)).out));
  CHECK(out_fd.exit_code == 0);
  CHECK(out_fd.out == kText);
  CHECK(contains(read_file(s.path("verifs")), s.alice_fpr));

  CHECK(s.sop({"sign", "@ENV:NOT_SET_ANYWHERE"}, kText).exit_code == 61);
  CHECK(s.sop({"sign", "@FILE:x"}, kText).exit_code == 71);
  CHECK(s.sop({"sign", "@FD:x"}, kText).exit_code == 71);
  CHECK(s.sop({"sign", "@FD:77"}, kText).exit_code == 61);
  CHECK(s.sop({"decrypt", "--session-key-out", "@ENV:X", s.alice_key}, "x").exit_code == 71);
  // A file that looks like a designator makes the designator ambiguous.
  write_file(s.dir / "@ENV:HOME", read_file(s.alice_key));
  const auto ambiguous = s.sh("cd " + s.dir.path().string() + " && exec \"$P\" sop sign @ENV:HOME", kText);
  CHECK(ambiguous.exit_code == 73);
  const auto plain_file = s.sh("cd " + s.dir.path().string() + " && exec \"$P\" sop sign ./@ENV:HOME", kText);
  CHECK(plain_file.exit_code == 0);
  CHECK(s.sop({"sign", s.path("no-such.key")}, kText).exit_code == 61);
}

// ---------------------------------------------------------------- encryption

TEST_CASE("encrypt and decrypt interoperate with sqop both ways") {
  Sop s;
  SECTION("payload encrypts and signs, sqop decrypts and verifies") {
    for (const char* profile : {"default", "zlib"}) {
      const auto ct = s.ok_sop({"encrypt", "--profile", profile, "--sign-with", s.bob_key, "--with-key-password", s.bob_password, s.alice_cert}, kText).out;
      CHECK(ct.rfind("-----BEGIN PGP MESSAGE-----", 0) == 0);
      const auto verifs = s.path(std::string("verifs-") + profile);
      const auto r = Sop::ok(Sop::sqop({"decrypt", "--verify-with", s.bob_cert, "--verifications-out", verifs, s.alice_key}, ct));
      CHECK(r.out == kText);
      CHECK(lines_of(read_file(verifs)).size() == 1);
    }
  }
  SECTION("sqop encrypts and signs, payload decrypts and verifies") {
    const auto ct = Sop::ok(Sop::sqop({"encrypt", "--sign-with", s.alice_key, s.bob_cert}, kText)).out;
    const auto verifs = s.path("verifs");
    const auto r = s.ok_sop({"decrypt", "--with-key-password", s.bob_password, "--verify-with", s.alice_cert, "--verifications-out", verifs, s.bob_key}, ct);
    CHECK(r.out == kText);
    CHECK(contains(read_file(verifs), " " + s.alice_fpr + " mode:binary {\"signers\":[\"" + s.alice_cert + "\"]}"));
  }
  SECTION("sqop signs in text mode inside the encryption, payload still verifies it") {
    // gpg 2.2 alone calls this signature BAD: the data is not stored with CRLF.
    const auto ct = Sop::ok(Sop::sqop({"encrypt", "--as", "text", "--sign-with", s.alice_key, s.alice_cert}, kText)).out;
    const auto verifs = s.path("verifs");
    const auto r = s.ok_sop({"decrypt", "--verify-with", s.alice_cert, "--verifications-out", verifs, s.alice_key}, ct);
    CHECK(r.out == kText);
    CHECK(contains(read_file(verifs), " mode:text "));
  }
  SECTION("binary data, binary output, in both directions") {
    const auto data = payload::test::pseudo_random_bytes(200000, 3);
    const auto ct = s.ok_sop({"encrypt", "--no-armor", s.alice_cert}, data).out;
    CHECK(first_tag(ct) == pgp::tag::pkesk);
    CHECK(Sop::ok(Sop::sqop({"decrypt", s.alice_key}, ct)).out == data);
    const auto back = Sop::ok(Sop::sqop({"encrypt", "--no-armor", s.alice_cert}, data)).out;
    CHECK(s.ok_sop({"decrypt", s.alice_key}, back).out == data);
  }
  SECTION("text mode keeps the data as it is") {
    const auto ct = s.ok_sop({"encrypt", "--as=text", s.alice_cert}, kText).out;
    CHECK(Sop::ok(Sop::sqop({"decrypt", s.alice_key}, ct)).out == kText);
  }
}

TEST_CASE("passwords and session keys interoperate with sqop") {
  Sop s;
  const auto pw = s.save("msg.pw", "open sesame\n");
  SECTION("payload encrypts with a password, sqop decrypts") {
    const auto ct = s.ok_sop({"encrypt", "--with-password", pw}, kText).out;
    CHECK(Sop::ok(Sop::sqop({"decrypt", "--with-password", pw}, ct)).out == kText);
    CHECK(s.ok_sop({"decrypt", "--with-password", pw}, ct).out == kText);
    CHECK(s.sop({"decrypt", "--with-password", s.bob_password}, ct).exit_code == 29);
  }
  SECTION("sqop encrypts to a password and a key, payload decrypts with either") {
    const auto ct = Sop::ok(Sop::sqop({"encrypt", "--with-password", pw, s.alice_cert}, kText)).out;
    CHECK(s.ok_sop({"decrypt", "--with-password", s.bob_password, "--with-password", pw}, ct).out == kText);
    CHECK(s.ok_sop({"decrypt", s.alice_key}, ct).out == kText);
  }
  SECTION("session keys out of sqop into payload, and out of payload into sqop") {
    const auto ct = Sop::ok(Sop::sqop({"encrypt", s.alice_cert}, kText)).out;
    const auto theirs = s.path("theirs.sk");
    CHECK(Sop::ok(Sop::sqop({"decrypt", "--session-key-out", theirs, s.alice_key}, ct)).out == kText);
    CHECK(s.ok_sop({"decrypt", "--with-session-key", theirs}, ct).out == kText);
    const auto ours = s.path("ours.sk");
    CHECK(s.ok_sop({"decrypt", "--session-key-out", ours, s.alice_key}, ct).out == kText);
    CHECK(read_file(ours) == read_file(theirs));
    const auto ct2 = s.ok_sop({"encrypt", s.alice_cert}, kText).out;
    const auto ours2 = s.path("ours2.sk");
    s.ok_sop({"decrypt", "--session-key-out", ours2, s.alice_key}, ct2);
    CHECK(Sop::ok(Sop::sqop({"decrypt", "--with-session-key", ours2}, ct2)).out == kText);
    // A wrong session key, then the right one.
    const auto wrong = s.save("wrong.sk", "9:00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\n");
    CHECK(s.sop({"decrypt", "--with-session-key", wrong}, ct).exit_code == 29);
    CHECK(s.ok_sop({"decrypt", "--with-session-key", wrong, "--with-session-key", theirs}, ct).out == kText);
    CHECK(s.sop({"decrypt", "--with-session-key", s.save("junk.sk", "not a session key")}, ct).exit_code == 41);
  }
}

TEST_CASE("decrypt releases nothing it cannot vouch for") {
  Sop s;
  const auto ct = Sop::ok(Sop::sqop({"encrypt", "--no-armor", "--sign-with", s.alice_key, s.alice_cert}, kText)).out;
  SECTION("a tampered message: exit 41, no plaintext") {
    std::string tampered = ct;
    tampered[tampered.size() - 30] = static_cast<char>(tampered[tampered.size() - 30] ^ 1);
    const auto r = s.sop({"decrypt", s.alice_key}, tampered);
    CHECK(r.exit_code == 41);
    CHECK(r.out.empty());
  }
  SECTION("verification asked for but no acceptable signature: exit 3, no plaintext, no verifications") {
    const auto verifs = s.path("verifs");
    const auto r = s.sop({"decrypt", "--verify-with", s.bob_cert, "--verifications-out", verifs, s.alice_key}, ct);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK_FALSE(std::filesystem::exists(verifs));
  }
  SECTION("the wrong key, a locked key, missing instructions") {
    CHECK(s.sop({"decrypt", s.bob_key, "--with-key-password", s.bob_password}, ct).exit_code == 29);
    const auto for_bob = Sop::ok(Sop::sqop({"encrypt", s.bob_cert}, kText)).out;
    CHECK(s.sop({"decrypt", s.bob_key}, for_bob).exit_code == 67);
    CHECK(s.sop({"decrypt", "--with-key-password", s.alice_cert, s.bob_key}, for_bob).exit_code == 67);
    CHECK(s.ok_sop({"decrypt", "--with-key-password", s.alice_cert, "--with-key-password", s.bob_password, s.bob_key}, for_bob).out == kText);
    CHECK(s.sop({"decrypt"}, ct).exit_code == 19);
    CHECK(s.sop({"decrypt", "--verifications-out", s.path("v"), s.alice_key}, ct).exit_code == 23);
    CHECK(s.sop({"decrypt", "--verify-with", s.alice_cert, s.alice_key}, ct).exit_code == 23);
    CHECK(s.sop({"decrypt", "--verifications-out", s.alice_cert, "--verify-with", s.alice_cert, s.alice_key}, ct).exit_code == 59);
    CHECK(s.sop({"decrypt", s.alice_key}, "not a message").exit_code == 41);
    CHECK(s.sop({"decrypt", s.alice_cert}, ct).exit_code == 41);
  }
}

TEST_CASE("an expired key can neither sign nor be encrypted to") {
  Sop s;
  const auto key = s.path("old.key");
  const auto cert = s.path("old.cert");
  expired_key(key, cert);
  CHECK(s.sop({"sign", key}, kText).exit_code == 79);
  CHECK(s.sop({"inline-sign", key}, kText).exit_code == 79);
  CHECK(s.sop({"encrypt", "--sign-with", key, s.alice_cert}, kText).exit_code == 79);
  CHECK(s.sop({"encrypt", cert}, kText).exit_code == 17);
  CHECK(Sop::sqop({"encrypt", cert}, kText).exit_code != 0);  // sqop agrees it is unusable
}

TEST_CASE("encrypt refusals") {
  Sop s;
  CHECK(s.sop({"encrypt"}, kText).exit_code == 19);
  CHECK(s.sop({"encrypt", "--profile", "rfc9580", s.alice_cert}, kText).exit_code == 89);
  CHECK(s.sop({"encrypt", "--with-password", s.save("bad.pw", "\xc3\x28"), }, kText).exit_code == 31);
  CHECK(s.sop({"encrypt", "--with-password", s.bob_password, "--with-password", s.bob_password}, kText).exit_code == 37);
  CHECK(s.sop({"encrypt", "--as", "mime", s.alice_cert}, kText).exit_code == 37);
  CHECK(s.sop({"encrypt", "--sign-with", s.bob_key, s.alice_cert}, kText).exit_code == 67);
  CHECK(s.sop({"encrypt", "--sign-with", s.alice_cert, s.alice_cert}, kText).exit_code == 41);
  CHECK(s.sop({"encrypt", s.save("junk.cert", "junk")}, kText).exit_code == 41);
}

// ---------------------------------------------------------------- inline signatures

TEST_CASE("inline-sign and inline-verify interoperate with sqop both ways") {
  Sop s;
  for (const char* as : {"binary", "text", "clearsigned"}) {
    SECTION(std::string("payload signs, sqop and payload verify: ") + as) {
      const auto msg = s.ok_sop({"inline-sign", std::string("--as=") + as, s.alice_key}, kText).out;
      CHECK(msg.rfind(std::string(as) == "clearsigned" ? "-----BEGIN PGP SIGNED MESSAGE-----" : "-----BEGIN PGP MESSAGE-----", 0) == 0);
      const auto theirs = Sop::ok(Sop::sqop({"inline-verify", s.alice_cert}, msg)).out;
      // gpg stores text-mode data with CRLF (RFC 4880 5.9); sqop hands it out as stored.
      CHECK(theirs == (std::string(as) == "text" ? with_crlf(kText) : kText));
      const auto verifs = s.path("verifs");
      CHECK(s.ok_sop({"inline-verify", "--verifications-out", verifs, s.alice_cert}, msg).out == kText);
      CHECK(contains(read_file(verifs), std::string(as) == "binary" ? " mode:binary " : " mode:text "));
    }
    SECTION(std::string("sqop signs, payload verifies: ") + as) {
      const auto msg = Sop::ok(Sop::sqop({"inline-sign", "--as", as, s.alice_key}, kText)).out;
      const auto r = s.ok_sop({"inline-verify", s.alice_cert}, msg);
      CHECK(r.out == kText);
    }
  }
  SECTION("binary output and a locked key") {
    const auto msg = s.ok_sop({"inline-sign", "--no-armor", "--with-key-password", s.bob_password, s.bob_key}, kText).out;
    CHECK(first_tag(msg) == pgp::tag::one_pass_signature);
    CHECK(Sop::ok(Sop::sqop({"inline-verify", s.bob_cert}, msg)).out == kText);
  }
}

TEST_CASE("inline-verify and inline-sign refusals") {
  Sop s;
  const auto msg = Sop::ok(Sop::sqop({"inline-sign", s.alice_key}, kText)).out;
  auto r = s.sop({"inline-verify", s.bob_cert}, msg);
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(s.sop({"inline-verify"}, msg).exit_code == 19);
  CHECK(s.sop({"inline-verify", s.alice_cert}, "plain text, not signed").exit_code == 41);
  CHECK(s.sop({"inline-verify", s.alice_cert}, Sop::ok(Sop::sqop({"encrypt", "--sign-with", s.alice_key, s.alice_cert}, kText)).out).exit_code == 41);
  CHECK(s.sop({"inline-verify", "--not-before", "2999-01-01", s.alice_cert}, msg).exit_code == 3);
  CHECK(s.sop({"inline-sign", "--as=clearsigned", "--no-armor", s.alice_key}, kText).exit_code == 83);
  CHECK(s.sop({"inline-sign", "--as=text", s.alice_key}, "\x80\x81").exit_code == 53);
  CHECK(s.sop({"inline-sign", s.bob_key}, kText).exit_code == 67);
}

TEST_CASE("inline-detach takes messages of sqop and payload apart") {
  Sop s;
  struct Case {
    std::string name;
    std::string message;
  };
  std::vector<Case> cases = {
      {"sqop clearsigned", Sop::ok(Sop::sqop({"inline-sign", "--as", "clearsigned", s.alice_key}, kText)).out},
      {"sqop binary", Sop::ok(Sop::sqop({"inline-sign", s.alice_key}, kText)).out},
      {"payload clearsigned", s.ok_sop({"inline-sign", "--as=clearsigned", s.alice_key}, kText).out},
      {"payload binary, unarmored", s.ok_sop({"inline-sign", "--no-armor", s.alice_key}, kText).out},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SECTION(cases[i].name) {
      const auto sigs = s.path("sigs");
      const auto data = s.ok_sop({"inline-detach", "--signatures-out", sigs}, cases[i].message).out;
      CHECK(read_file(sigs).rfind("-----BEGIN PGP SIGNATURE-----", 0) == 0);
      // What was signed: for cleartext the final line end is not part of it (RFC 4880 7.1).
      CHECK((data == kText || data + "\n" == kText));
      CHECK(Sop::sqop({"verify", sigs, s.alice_cert}, data).exit_code == 0);
      CHECK(s.sop({"verify", sigs, s.alice_cert}, data).exit_code == 0);
    }
  }
  SECTION("refusals") {
    CHECK(s.sop({"inline-detach"}, cases[0].message).exit_code == 19);
    CHECK(s.sop({"inline-detach", "--signatures-out", s.alice_cert}, cases[0].message).exit_code == 59);
    const auto encrypted = Sop::ok(Sop::sqop({"encrypt", s.alice_cert}, kText)).out;
    CHECK(s.sop({"inline-detach", "--signatures-out", s.path("x")}, encrypted).exit_code == 41);
    CHECK_FALSE(std::filesystem::exists(s.path("x")));
  }
}

// ---------------------------------------------------------------- armor commands

TEST_CASE("armor and dearmor: labels, idempotence, sqop agrees") {
  Sop s;
  const auto key_bin = Sop::ok(Sop::sqop({"dearmor"}, read_file(s.alice_key))).out;
  const auto cert_bin = Sop::ok(Sop::sqop({"dearmor"}, read_file(s.alice_cert))).out;
  const auto sig_bin = Sop::ok(Sop::sqop({"sign", "--no-armor", s.alice_key}, kText)).out;
  const auto msg_bin = Sop::ok(Sop::sqop({"encrypt", "--no-armor", s.alice_cert}, kText)).out;
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {key_bin, "PGP PRIVATE KEY BLOCK"}, {cert_bin, "PGP PUBLIC KEY BLOCK"}, {sig_bin, "PGP SIGNATURE"}, {msg_bin, "PGP MESSAGE"}};
  for (const auto& [binary, label] : kinds) {
    const auto armored = s.ok_sop({"armor"}, binary).out;
    CHECK(armored.rfind("-----BEGIN " + label + "-----\n", 0) == 0);
    CHECK(Sop::ok(Sop::sqop({"dearmor"}, armored)).out == binary);
    CHECK(s.ok_sop({"dearmor"}, armored).out == binary);
    CHECK(s.ok_sop({"armor"}, armored).out == armored);      // already armored: unchanged
    CHECK(s.ok_sop({"dearmor"}, binary).out == binary);      // already binary: unchanged
    CHECK(s.ok_sop({"dearmor"}, Sop::ok(Sop::sqop({"armor"}, binary)).out).out == binary);
  }
  // The armored certificate still works for sqop.
  const auto sig = s.save("m.sig", s.ok_sop({"armor"}, sig_bin).out);
  const auto cert = s.save("c.asc", s.ok_sop({"armor"}, cert_bin).out);
  CHECK(Sop::sqop({"verify", sig, cert}, kText).exit_code == 0);

  CHECK(s.sop({"armor"}, "plain text").exit_code == 41);
  CHECK(s.sop({"armor"}, "").exit_code == 41);
  CHECK(s.sop({"armor"}, sig_bin.substr(0, sig_bin.size() - 5)).exit_code == 41);
  CHECK(s.sop({"armor", "--label=sig"}, sig_bin).exit_code == 37);
  std::string broken = s.ok_sop({"armor"}, msg_bin).out;
  broken[60] = broken[60] == 'A' ? 'B' : 'A';
  CHECK(s.sop({"dearmor"}, broken).exit_code == 41);
  CHECK(s.sop({"dearmor"}, "plain text").exit_code == 41);
  const auto clearsigned = Sop::ok(Sop::sqop({"inline-sign", "--as", "clearsigned", s.alice_key}, kText)).out;
  CHECK(s.sop({"dearmor"}, clearsigned).exit_code == 41);
}

// ---------------------------------------------------------------- hygiene

TEST_CASE("no gpg-agent outlives a payload sop call") {
  Sop s;
  s.ok_sop({"sign", "--with-key-password", s.bob_password, s.bob_key}, kText);
  s.ok_sop({"decrypt", s.alice_key}, Sop::ok(Sop::sqop({"encrypt", s.alice_cert}, kText)).out);
  s.ok_sop({"generate-key", "Gone <gone@example.org>"});
  s.ok_sop({"extract-cert"}, read_file(s.alice_key));
  const std::string pattern = "gpg-agent --homedir " + s.path("tmp") + "/payload-gpg-";
  bool alive = true;
  for (int i = 0; i < 20 && alive; ++i) {
    alive = contains(payload::test::run({"ps", "-eo", "args"}).out, pattern);
    if (alive) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK_FALSE(alive);
  // The throwaway homes are gone too.
  CHECK(std::filesystem::is_empty(s.path("tmp")));
}
