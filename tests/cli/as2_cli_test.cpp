// `payload as2 pack|unpack|explain` and `payload mdn verify` as an operator meets them:
// round trips over algorithm combinations with RSA-2048 identities made by the `openssl`
// command, the receipts unpack writes checked by `mdn verify` (right MIC, wrong MIC,
// wrong certificate), the shared interop messages and MDNs of pyas2-lib and libas2, and
// a tampered message that must leave no payload but an error MDN.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <payload/cms/algorithms.h>
#include <payload/mdn/mic.h>
#include <payload/mime/canonicalize.h>

#include "mime/interop_json.h"
#include "support/run.h"
#include "support/temp_dir.h"

using namespace payload;
using namespace payload::test;
namespace fs = std::filesystem;

namespace {

// docs/exit-codes.md
constexpr int kUsage = 2, kBadData = 3, kBadSignature = 4, kNegativeDisposition = 11;

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

RunResult cli(std::vector<std::string> args, const std::string& input = {}) {
  args.insert(args.begin(), payload_cli());
  return run(args, input);
}

// The value of a "key: value" line of the text output.
std::string line_value(const std::string& text, const std::string& key) {
  const std::string prefix = key + ": ";
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find('\n', at);
    const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return {};
}

// The string value of a top-level "key":"value" of the --json output.
std::string json_string(const std::string& json, const std::string& key) {
  const std::string prefix = "\"" + key + "\":\"";
  const auto at = json.find(prefix);
  if (at == std::string::npos) return {};
  const auto start = at + prefix.size();
  return json.substr(start, json.find('"', start) - start);
}

// Two RSA-2048 identities made by openssl: a = PEER_A (sender), b = PEER_B (receiver).
class Keys final {
public:
  static const Keys& get() {
    static const Keys keys;
    return keys;
  }
  [[nodiscard]] std::string key(char who) const { return (m_dir / (std::string(1, who) + ".key")).string(); }
  [[nodiscard]] std::string crt(char who) const { return (m_dir / (std::string(1, who) + ".crt")).string(); }

private:
  Keys() {
    for (const char who : {'a', 'b'}) {
      const auto r = run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30", "-subj",
                          std::string("/O=payload CLI test/CN=PEER_") + char(who - 'a' + 'A'), "-keyout", key(who), "-out",
                          crt(who)});
      if (r.exit_code != 0) throw std::runtime_error("openssl req failed: " + r.err);
    }
  }
  TempDir m_dir;
};

fs::path interop_dir() { return fs::path(PAYLOAD_SHARED_DIR) / "interop" / "as2"; }

std::vector<fs::path> files_with(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == extension) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

FlatJson description(fs::path file) {
  file.replace_extension(".json");
  return FlatJson::parse(read_file(file));
}

const std::string kPayload = [] {
  std::string s = "ISA*00*          *00*          *ZZ*PEER_A         *ZZ*PEER_B         *261122*0200*U*00401*000000001*0*T*>~\r\n";
  for (int i = 0; i < 300; ++i) s += "IT1*" + std::to_string(i) + "*1*EA*9.99**VP*SKU" + std::to_string(1000 + i) + "~\r\n";
  return s + "IEA*1*000000001~\r\n";
}();

struct Packed {
  std::string message;
  std::string message_id;
  std::string mic;
};

Packed pack(const TempDir& dir, const std::vector<std::string>& extra, const std::string& name = "message.as2") {
  const auto& keys = Keys::get();
  write_file(dir / "invoice.x12", kPayload);
  std::vector<std::string> args{"as2",  "pack",          "--from", "PEER_A", "--to", "PEER_B", "--key", keys.key('a'),
                                "--cert", keys.crt('a'), "--partner-cert", keys.crt('b')};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), {(dir / "invoice.x12").string(), "-o", (dir / name).string()});
  const auto r = cli(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Packed p{(dir / name).string(), line_value(r.out, "Message-ID"), line_value(r.out, "MIC")};
  REQUIRE_FALSE(p.message_id.empty());
  REQUIRE_FALSE(p.mic.empty());
  return p;
}

RunResult unpack_as_b(const TempDir& dir, const std::string& message, std::vector<std::string> extra = {}) {
  const auto& keys = Keys::get();
  std::vector<std::string> args{"as2", "unpack", "--key", keys.key('b'), "--cert", keys.crt('b'), "--partner-cert", keys.crt('a')};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), {message, "-o", (dir / "payload.out").string(), "--mdn-out", (dir / "mdn.out").string()});
  return cli(args);
}

}  // namespace

TEST_CASE("as2 pack then unpack round trips and the receipt verifies with the MIC pack printed", "[as2][cli]") {
  const auto& keys = Keys::get();
  struct Combo {
    std::vector<std::string> options;
    bool signed_mdn;
  };
  const std::vector<Combo> combos{
      {{}, true},  // the defaults: sha-256, aes-256-cbc, sync signed receipt
      {{"--sign", "sha-384", "--encrypt", "aes-128-gcm", "--key-transport", "rsa-oaep-sha256", "--compress", "before-sign"}, true},
      {{"--sign", "sha-512", "--encrypt", "none", "--compress", "after-sign", "--content-type", "application/edi-x12"}, true},
      {{"--sign", "none", "--encrypt", "aes-192-cbc", "--mdn-sign", "none"}, false},
      {{"--sign", "sha-256", "--pss", "--encrypt", "aes-256-gcm", "--compress", "after-sign", "--mdn", "async",
        "https://peer-a.example/mdn", "--mdn-sign", "sha-512"},
       true},
      {{"--sign", "none", "--encrypt", "none", "--compress", "before-sign", "--mdn-sign", "sha-384"}, true},
  };
  for (const auto& combo : combos) {
    std::string label;
    for (const auto& o : combo.options) label += o + " ";
    INFO("pack " << label);
    TempDir dir;
    const Packed packed = pack(dir, combo.options);

    const auto unpacked = unpack_as_b(dir, packed.message);
    INFO(unpacked.err);
    REQUIRE(unpacked.exit_code == 0);
    CHECK(read_file(dir / "payload.out") == kPayload);
    CHECK(line_value(unpacked.out, "mic") == packed.mic);
    CHECK(line_value(unpacked.out, "message-id") == packed.message_id);
    CHECK(line_value(unpacked.out, "filename") == "invoice.x12");
    CHECK(line_value(unpacked.out, "disposition") == "automatic-action/MDN-sent-automatically; processed");
    REQUIRE(fs::exists(dir / "mdn.out"));

    const std::string mdn = (dir / "mdn.out").string();
    std::vector<std::string> verify{"mdn", "verify", "--partner-cert", keys.crt('b'), "--message-id", packed.message_id};
    if (!combo.signed_mdn) verify.push_back("--allow-unsigned");
    auto good = verify;
    good.insert(good.end(), {"--mic", packed.mic, mdn});
    const auto ok = cli(good);
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(line_value(ok.out, "disposition") == "automatic-action/MDN-sent-automatically; processed");
    // The base64 value alone also does: its length names the algorithm.
    auto bare = verify;
    bare.insert(bare.end(), {"--mic", packed.mic.substr(0, packed.mic.find(',')), mdn});
    CHECK(cli(bare).exit_code == 0);

    // A different MIC of the same algorithm: bad_data.
    const auto mic = mdn::parse_mic(packed.mic);
    REQUIRE(mic);
    auto other = *mic;
    other.digest[0] = static_cast<char>(other.digest[0] ^ 1);
    auto wrong = verify;
    wrong.insert(wrong.end(), {"--mic", other.to_string(), mdn});
    const auto mismatch = cli(wrong);
    CHECK(mismatch.exit_code == kBadData);
    CHECK(contains(mismatch.err, "MIC"));

    if (combo.signed_mdn) {
      // Verified against the wrong certificate (the sender's own): bad_signature.
      const auto bad = cli({"mdn", "verify", "--partner-cert", keys.crt('a'), "--mic", packed.mic, mdn});
      CHECK(bad.exit_code == kBadSignature);
    } else {
      // An unsigned receipt is refused unless --allow-unsigned.
      const auto unsigned_mdn = cli({"mdn", "verify", "--partner-cert", keys.crt('b'), "--mic", packed.mic, mdn});
      CHECK(unsigned_mdn.exit_code == kBadSignature);
    }
  }
}

TEST_CASE("as2 pack --json reports the Message-ID and the MIC and refuses legacy algorithms by default", "[as2][cli]") {
  TempDir dir;
  const auto& keys = Keys::get();
  write_file(dir / "p.bin", pseudo_random_bytes(5000));
  const std::vector<std::string> base{"as2",    "pack",          "--from", "PEER_A", "--to", "PEER_B", "--key", keys.key('a'),
                                      "--cert", keys.crt('a'), "--partner-cert", keys.crt('b'), (dir / "p.bin").string()};
  auto json_args = base;
  json_args.insert(json_args.end(), {"-o", (dir / "m.as2").string(), "--json"});
  const auto r = cli(json_args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "\"ok\":true"));
  CHECK(json_string(r.out, "micalg") == "sha-256");
  CHECK_FALSE(json_string(r.out, "message_id").empty());
  const std::string wire = read_file(dir / "m.as2");
  CHECK(contains(wire, "Message-ID: " + json_string(r.out, "message_id") + "\r\n"));
  CHECK(contains(wire, "AS2-Version: 1.3\r\n"));
  CHECK(contains(wire, "\r\n\r\n"));

  auto legacy = base;
  legacy.insert(legacy.end(), {"--sign", "sha1", "-o", (dir / "legacy.as2").string()});
  const auto refused = cli(legacy);
  CHECK(refused.exit_code == kUsage);
  CHECK_FALSE(fs::exists(dir / "legacy.as2"));
  legacy.insert(legacy.end(), {"--allow-legacy", "--as2-version", "1.1"});
  CHECK(cli(legacy).exit_code == 0);
  CHECK(fs::exists(dir / "legacy.as2"));

  auto async_without_url = base;
  async_without_url.insert(async_without_url.end(), {"-o", (dir / "x.as2").string(), "--mdn", "async"});
  CHECK(cli(async_without_url).exit_code == kUsage);
  CHECK_FALSE(fs::exists(dir / "x.as2"));
}

TEST_CASE("as2 unpack of a tampered message writes no payload but an error MDN", "[as2][cli]") {
  const auto& keys = Keys::get();
  TempDir dir;
  const Packed packed = pack(dir, {"--encrypt", "none"});
  std::string wire = read_file(packed.message);
  const auto at = wire.find("IT1*150*");
  REQUIRE(at != std::string::npos);
  wire[at + 4] = '9';  // IT1*950*: the signed bytes changed
  write_file(dir / "tampered.as2", wire);

  const auto r = unpack_as_b(dir, (dir / "tampered.as2").string(), {"--json"});
  CHECK(r.exit_code == kBadSignature);
  CHECK_FALSE(fs::exists(dir / "payload.out"));
  CHECK(contains(r.out, "\"ok\":false"));
  CHECK(json_string(r.out, "outcome") == "authentication_failed");
  CHECK(json_string(r.out, "disposition") == "automatic-action/MDN-sent-automatically; processed/error: authentication-failed");
  REQUIRE(fs::exists(dir / "mdn.out"));
  const std::string mdn = read_file(dir / "mdn.out");
  CHECK(contains(mdn, "processed/error: authentication-failed"));
  CHECK_FALSE(contains(mdn, "Received-Content-MIC"));
  // The error receipt is signed and authentic: verify reports the negative disposition.
  const auto v = cli({"mdn", "verify", "--partner-cert", keys.crt('b'), "--message-id", packed.message_id, "--json",
                      (dir / "mdn.out").string()});
  CHECK(v.exit_code == kNegativeDisposition);
  CHECK(json_string(v.out, "error") == "negative_disposition");
  CHECK(json_string(v.out, "signature") == "verified");

  // Required security missing: insufficient-message-security, no payload either.
  TempDir dir2;
  const Packed plain = pack(dir2, {"--sign", "none", "--encrypt", "none"});
  const auto insecure = unpack_as_b(dir2, plain.message, {"--require-signed"});
  CHECK(insecure.exit_code != 0);
  CHECK_FALSE(fs::exists(dir2 / "payload.out"));
  CHECK(contains(read_file(dir2 / "mdn.out"), "processed/error: insufficient-message-security"));

  // Not for us (encrypted to PEER_B, opened with PEER_A's key only): decryption-failed.
  TempDir dir3;
  const Packed encrypted = pack(dir3, {});
  const auto wrong_key = cli({"as2", "unpack", "--key", keys.key('a'), "--cert", keys.crt('a'), "--partner-cert", keys.crt('a'),
                              encrypted.message, "-o", (dir3 / "payload.out").string(), "--mdn-out",
                              (dir3 / "mdn.out").string()});
  CHECK(wrong_key.exit_code != 0);
  CHECK(contains(wrong_key.err, "decryption-failed"));
  CHECK_FALSE(fs::exists(dir3 / "payload.out"));
  CHECK(contains(read_file(dir3 / "mdn.out"), "processed/error: decryption-failed"));
}

TEST_CASE("as2 unpack --max-decompressed refuses a larger compressed layer, and a message from stdin works", "[as2][cli]") {
  TempDir dir;
  const Packed packed = pack(dir, {"--compress", "before-sign"});
  const auto refused = unpack_as_b(dir, packed.message, {"--max-decompressed", "100"});
  CHECK(refused.exit_code != 0);
  CHECK(contains(refused.err, "decompression-failed"));
  CHECK_FALSE(fs::exists(dir / "payload.out"));
  CHECK(contains(read_file(dir / "mdn.out"), "processed/error: decompression-failed"));

  // "-": the message comes through a pipe, is spooled, then unpacked like a file.
  const auto& keys = Keys::get();
  const auto piped = cli({"as2", "unpack", "--key", keys.key('b'), "--cert", keys.crt('b'), "--partner-cert", keys.crt('a'),
                          "-", "-o", (dir / "payload.out").string()},
                         read_file(packed.message));
  INFO(piped.err);
  CHECK(piped.exit_code == 0);
  CHECK(read_file(dir / "payload.out") == kPayload);
}

TEST_CASE("as2 explain names the RFC variant for the MIC pack printed and none for a foreign MIC", "[as2][cli]") {
  const auto& keys = Keys::get();
  TempDir dir;
  const Packed packed = pack(dir, {"--compress", "after-sign"});
  const auto r = cli({"as2", "explain", "--key", keys.key('b'), "--cert", keys.crt('b'), "--mic", packed.mic, packed.message});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(line_value(r.out, "match"), "(the RFC rule)"));
  CHECK(line_value(r.out, "expected (RFC)") == packed.mic);
  auto mic = mdn::parse_mic(packed.mic);
  REQUIRE(mic);
  mic->digest[3] = static_cast<char>(mic->digest[3] ^ 0x40);
  const auto none = cli({"as2", "explain", "--key", keys.key('b'), "--cert", keys.crt('b'), "--mic", mic->to_string(), packed.message});
  CHECK(none.exit_code == kBadData);
  CHECK(contains(line_value(none.out, "match"), "none of"));
}

TEST_CASE("as2 unpack opens every interop message to its payload with the producer's MIC", "[as2][cli][interop]") {
  const fs::path keys = interop_dir() / "keys";
  int seen = 0, mics = 0;
  for (const auto& file : files_with(interop_dir() / "messages", ".as2")) {
    INFO(file.filename().string());
    const FlatJson json = description(file);
    TempDir dir;
    const auto r = cli({"as2", "unpack", "--key", (keys / "b.key").string(), "--cert", (keys / "b.crt").string(),
                        "--partner-cert", (keys / "a.crt").string(), "--allow-digest", "md5", "--allow-digest", "sha1",
                        "--allow-cipher", "des-ede3-cbc", "--our-id", "PEER_B", "--partner-id", "PEER_A", "--json",
                        file.string(), "-o", (dir / "payload").string(), "--mdn-out", (dir / "mdn").string()});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    ++seen;
    std::string expected = read_file(interop_dir() / *json.string("payload"));
    // RFC 8551 3.1.1: text/* travels in CRLF form (orders-lf.csv was canonicalised by pyas2).
    if (json_string(r.out, "content_type").rfind("text/", 0) == 0) expected = mime::canonicalize(expected);
    CHECK(read_file(dir / "payload") == expected);
    CHECK(json_string(r.out, "message_id") == "<" + *json.string("message_id") + ">");
    if (const auto mic = json.string("mic")) {
      ++mics;
      const auto ours = mdn::parse_mic(json_string(r.out, "mic"));
      REQUIRE(ours);
      const auto micalg = cms::parse_micalg(*json.string("micalg"));
      REQUIRE(micalg);
      CHECK(ours->algorithm == *micalg);
      CHECK(ours->base64() == *mic);
    }
    // Every vector asks for a receipt unless built with --mdn none.
    CHECK(fs::exists(dir / "mdn") == !contains(*json.string("options"), "--mdn none"));
  }
  CHECK(seen == 22);
  CHECK(mics == 17);
}

TEST_CASE("mdn verify accepts every pyas2 MDN with the MIC of its message", "[as2][cli][interop]") {
  const std::string b_crt = (interop_dir() / "keys" / "b.crt").string();
  const std::string a_crt = (interop_dir() / "keys" / "a.crt").string();
  int verified = 0;
  for (const auto& file : files_with(interop_dir() / "mdns", ".mdn")) {
    INFO(file.filename().string());
    const FlatJson json = description(file);
    const bool is_signed = contains(read_file(file).substr(0, 200), "multipart/signed");
    std::vector<std::string> args{"mdn", "verify", "--partner-cert", b_crt, "--allow-digest", "sha1", "--message-id",
                                  "<" + *json.string("message_id") + ">"};
    if (const auto mic = json.string("mic")) args.insert(args.end(), {"--mic", *mic + ", " + *json.string("micalg")});
    if (!is_signed) {
      const auto refused = cli([&] {
        auto a = args;
        a.push_back(file.string());
        return a;
      }());
      CHECK(refused.exit_code == kBadSignature);
      args.push_back("--allow-unsigned");
    }
    args.push_back(file.string());
    const auto r = cli(args);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(line_value(r.out, "disposition") == "automatic-action/MDN-sent-automatically; processed");
    if (is_signed) {
      ++verified;
      CHECK(contains(line_value(r.out, "signed"), "CN=PEER_B"));
      args[3] = a_crt;
      CHECK(cli(args).exit_code == kBadSignature);
    }
  }
  CHECK(verified == 5);
}

TEST_CASE("as2 unpack under the default policy refuses a SHA-1 interop message and answers the SHA-1 receipt request with failed", "[as2][cli][interop]") {
  const fs::path keys = interop_dir() / "keys";
  TempDir dir;
  const auto r = cli({"as2", "unpack", "--key", (keys / "b.key").string(), "--cert", (keys / "b.crt").string(), "--partner-cert",
                      (keys / "a.crt").string(), "--json", (interop_dir() / "messages" / "signed-sha1-aes256.as2").string(), "-o",
                      (dir / "payload").string(), "--mdn-out", (dir / "mdn").string()});
  CHECK(r.exit_code == 9);  // unsupported: a digest the policy refuses
  CHECK_FALSE(fs::exists(dir / "payload"));
  CHECK(json_string(r.out, "outcome") == "insufficient_message_security");
  CHECK(json_string(r.out, "mdn_disposition") == "automatic-action/MDN-sent-automatically; failed/failure: unsupported MIC-algorithms");
  REQUIRE(fs::exists(dir / "mdn"));
  const std::string mdn = read_file(dir / "mdn");
  CHECK(contains(mdn, "failed/failure: unsupported MIC-algorithms"));
  CHECK_FALSE(contains(mdn.substr(0, mdn.find("\r\n\r\n")), "multipart/signed"));
}

TEST_CASE("as2 pack takes FILE after --mdn sync and refuses a filename with a directory", "[as2][cli]") {
  const auto& keys = Keys::get();
  TempDir dir;
  write_file(dir / "p.xml", "<a/>");
  const std::vector<std::string> base{"as2", "pack", "--from", "PEER_A", "--to", "PEER_B", "--key", keys.key('a'), "--cert",
                                      keys.crt('a'), "--partner-cert", keys.crt('b')};
  auto sync = base;
  sync.insert(sync.end(), {"--mdn", "sync", (dir / "p.xml").string(), "-o", (dir / "sync.as2").string()});
  const auto r = cli(sync);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(read_file(dir / "sync.as2"), "Disposition-Notification-To: PEER_A\r\n"));
  CHECK_FALSE(contains(read_file(dir / "sync.as2"), "Receipt-Delivery-Option"));

  auto none = base;
  none.insert(none.end(), {"--mdn", "none", (dir / "p.xml").string(), "-o", (dir / "none.as2").string()});
  CHECK(cli(none).exit_code == 0);
  CHECK_FALSE(contains(read_file(dir / "none.as2"), "Disposition-Notification-To"));

  auto traversal = base;
  traversal.insert(traversal.end(), {"--filename", "../etc/passwd", (dir / "p.xml").string(), "-o", (dir / "bad.as2").string()});
  const auto refused = cli(traversal);
  CHECK(refused.exit_code != 0);
  CHECK_FALSE(fs::exists(dir / "bad.as2"));
}
