// Sending (`payload as2 send|status`): station A (the command, and an as2d for async
// receipts) trades with station B (an as2d) on loopback, and with scripted partners that
// answer 500, an MDN with another MIC, a wrong signer or a negative disposition.
#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <map>
#include <thread>

#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>
#include <payload/mdn/build.h>
#include <payload/mdn/mic.h>

#include "as2d_fixture.h"
#include "outbound_store.h"
#include "proxy.h"
#include "scripted_partner.h"
#include "support/run.h"

using namespace as2d;
using namespace as2d::test;
namespace mdn = payload::mdn;
namespace cms = payload::cms;

namespace {

// Station B is the Setup's station (AS2 id STATION, identity station.*); station A is the
// Setup's partner identity (partner.*), AS2 id PARTNER_A.
struct Stations {
  Setup b;
  IniSection a_station{"station", {}};
  IniSection a_partner{"partner.b", {}};

  Stations() {
    b.partner("a").set("as2_id", "PARTNER_A").set("cert", (b.dir / "partner.crt").string());
    a_station.set("as2_id", "PARTNER_A")
        .set("key", (b.dir / "partner.key").string())
        .set("cert", (b.dir / "partner.crt").string())
        .set("listen", "127.0.0.1:0")
        .set("data_dir", (b.dir / "a-data").string());
    a_partner.set("as2_id", "STATION").set("cert", (b.dir / "station.crt").string());
  }
  std::filesystem::path write_a() const {
    const auto path = b.dir / "a.ini";
    payload::test::write_file(path, ini_text({a_station, a_partner}));
    return path;
  }
  std::filesystem::path a_data() const { return b.dir / "a-data"; }
};

struct Sent {
  int exit_code = -1;
  std::string err;
  Poco::JSON::Object::Ptr json;  // the last file's result
  [[nodiscard]] std::string get(const std::string& key) const { return json ? json->optValue<std::string>(key, "") : ""; }
};

Sent send(const std::filesystem::path& config, const std::string& partner, const std::vector<std::string>& files,
          const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv{payload::test::payload_cli(), "as2", "send", "--json", "--config", config.string(),
                                "--partner", partner};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), files.begin(), files.end());
  const auto result = payload::test::run(argv);
  Sent sent;
  sent.exit_code = result.exit_code;
  sent.err = result.err;
  INFO(result.out << result.err);
  // One JSON object per line and file: the last one is the last file's.
  auto end = result.out.find_last_not_of('\n');
  REQUIRE(end != std::string::npos);
  const auto start = result.out.rfind('\n', end);
  const auto line = result.out.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
  sent.json = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
  return sent;
}

std::optional<OutboundRecord> stored(const std::filesystem::path& data_dir, const std::string& message_id) {
  auto store = OutboundStore::open(data_dir / "as2d.sqlite");
  REQUIRE(store);
  auto found = (*store)->find(message_id);
  REQUIRE(found);
  return *found;
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::string bytes(size, '\0');
  unsigned state = seed * 2654435761u + 1;
  for (auto& c : bytes) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 16);
  }
  return bytes;
}

// A signed MDN from B's identity (or another) answering the request, with the given
// disposition and MIC.
ScriptedReply mdn_reply(const ScriptedRequest& request, const Stations& s, const std::string& signer,
                        mdn::Disposition disposition, std::optional<mdn::Mic> mic) {
  auto cert = cms::Certificate::load(s.b.dir / (signer + ".crt"));
  auto key = cms::PrivateKey::load(s.b.dir / (signer + ".key"));
  REQUIRE(cert);
  REQUIRE(key);
  mdn::MdnContent content;
  content.disposition = std::move(disposition);
  content.mic = std::move(mic);
  mdn::MdnOptions options;
  options.signing = mdn::MdnSigning{cms::Identity{*cert, *key}, {}};
  auto built = mdn::build_mdn({request.header("Message-ID"), request.header("AS2-From"), request.header("AS2-To")}, content,
                              options);
  REQUIRE(built);
  return ScriptedReply{200, built->headers(), built->body};
}

}  // namespace

TEST_CASE("send: every signature, cipher and compression order to an as2d station, files byte for byte") {
  Stations s;
  s.b.partner("a").set("require_signed", "no").set("require_encrypted", "no");
  Daemon b(s.b.write());
  s.a_partner.set("url", "http://127.0.0.1:" + std::to_string(b.port()) + "/as2");
  int n = 0;
  for (const std::string sign : {"sha-256", "sha-384", "sha-512", "none"}) {
    for (const std::string cipher : {"aes-128-cbc", "aes-256-cbc", "aes-128-gcm", "aes-256-gcm", "none"}) {
      for (const std::string compress : {"none", "before-sign", "after-sign"}) {
        ++n;
        s.a_partner.set("sign", sign).set("encrypt", cipher).set("compress", compress);
        const auto file = s.b.dir / ("order-" + std::to_string(n) + ".edi");
        const auto bytes = random_bytes(10 * 1024 + static_cast<std::size_t>(n), static_cast<unsigned>(n));
        payload::test::write_file(file, bytes);
        INFO(sign << " " << cipher << " " << compress);
        const auto sent = send(s.write_a(), "b", {file.string()});
        CHECK(sent.exit_code == 0);
        CHECK(sent.get("state") == "processed");
        CHECK(sent.get("disposition") == "automatic-action/MDN-sent-automatically; processed");
        CHECK(payload::test::read_file(s.b.data() / "inbox" / "a" / file.filename()) == bytes);
        const auto record = stored(s.a_data(), sent.get("message_id"));
        REQUIRE(record);
        CHECK(record->state == SendState::processed);
        CHECK(record->http_status == 200);
        REQUIRE(record->mdn);
        CHECK(record->mdn->find("multipart/signed") != std::string::npos);
      }
    }
  }
  CHECK(b.stop() == 0);
}

TEST_CASE("send: an unsigned receipt when mdn_sign = none, none at all with mdn = none, several files at once") {
  Stations s;
  Daemon b(s.b.write());
  s.a_partner.set("url", "http://127.0.0.1:" + std::to_string(b.port()) + "/as2").set("mdn_sign", "none");
  const auto one = s.b.dir / "one.edi", two = s.b.dir / "two.edi";
  payload::test::write_file(one, random_bytes(5000, 1));
  payload::test::write_file(two, random_bytes(7000, 2));
  const auto sent = send(s.write_a(), "b", {one.string(), two.string()});
  CHECK(sent.exit_code == 0);
  CHECK(sent.get("state") == "processed");
  const auto record = stored(s.a_data(), sent.get("message_id"));
  REQUIRE(record);
  REQUIRE(record->mdn);
  CHECK(record->mdn->find("multipart/signed") == std::string::npos);
  CHECK(record->file == two.string());
  CHECK(payload::test::read_file(s.b.data() / "inbox" / "a" / "one.edi") == random_bytes(5000, 1));

  s.a_partner.set("mdn", "none");
  const auto three = s.b.dir / "three.edi";
  payload::test::write_file(three, "ISA*00~");
  const auto quiet = send(s.write_a(), "b", {three.string()});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.get("state") == "delivered");
  CHECK(payload::test::read_file(s.b.data() / "inbox" / "a" / "three.edi") == "ISA*00~");
  CHECK(b.stop() == 0);
}

TEST_CASE("send: asynchronous MDNs between two as2d stations, both ways") {
  Stations s;
  const auto a_port = free_port();
  const std::string a_url = "http://127.0.0.1:" + std::to_string(a_port) + "/as2";
  s.a_station.set("listen", "127.0.0.1:" + std::to_string(a_port)).set("mdn_url", a_url);
  s.b.partner("a").set("url", a_url);
  Daemon b(s.b.write());
  const std::string b_url = "http://127.0.0.1:" + std::to_string(b.port()) + "/as2";
  s.a_partner.set("url", b_url).set("mdn", "async");
  Daemon a(s.write_a());

  const auto file = s.b.dir / "async.edi";
  payload::test::write_file(file, random_bytes(20000, 3));
  const auto sent = send(s.write_a(), "b", {file.string()});
  CHECK(sent.exit_code == 0);
  // The receipt may overtake the sender's own bookkeeping: A's as2d can record the MDN before `payload as2 send`
  // saves the 204, and save_answer then keeps the final state instead of going back to awaiting_mdn.
  const auto state = sent.get("state");
  CHECK((state == "awaiting_mdn" || state == "processed"));
  CHECK(sent.get("http_status") == "204");
  REQUIRE(a.wait_for_log("\"name\":\"mdn_received\""));
  const auto record = stored(s.a_data(), sent.get("message_id"));
  REQUIRE(record);
  CHECK(record->state == SendState::processed);
  CHECK(record->disposition == "automatic-action/MDN-sent-automatically; processed");
  CHECK(payload::test::read_file(s.b.data() / "inbox" / "a" / "async.edi") == random_bytes(20000, 3));

  // `payload as2 status` reads it back, and hands out the MDN.
  const auto status = payload::test::run({payload::test::payload_cli(), "as2", "status", "--config", s.write_a().string(),
                                          sent.get("message_id"), "--mdn-out", (s.b.dir / "receipt.mdn").string()});
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("state: processed") != std::string::npos);
  CHECK(payload::test::read_file(s.b.dir / "receipt.mdn") == *record->mdn);

  // The other way: B sends to A with B's configuration (synchronous receipt).
  s.b.station.set("mdn_url", b_url);
  const auto back = s.b.dir / "back.edi";
  payload::test::write_file(back, random_bytes(3000, 4));
  const auto reply = send(s.b.write("b-send.ini"), "a", {back.string()});
  CHECK(reply.exit_code == 0);
  CHECK(reply.get("state") == "processed");
  CHECK(payload::test::read_file(s.a_data() / "inbox" / "b" / "back.edi") == random_bytes(3000, 4));
  CHECK(a.stop() == 0);
  CHECK(b.stop() == 0);
}

TEST_CASE("send: no answer or an HTTP error exits 13 and is recorded") {
  Stations s;
  const auto file = s.b.dir / "invoice.edi";
  payload::test::write_file(file, "ISA*00~");

  SECTION("nobody listens") {
    s.a_partner.set("url", "http://127.0.0.1:" + std::to_string(free_port()) + "/as2");
    const auto sent = send(s.write_a(), "b", {file.string()});
    CHECK(sent.exit_code == 13);
    CHECK(sent.get("state") == "transport_failed");
    CHECK(sent.err.find("Connection refused") != std::string::npos);
    const auto record = stored(s.a_data(), sent.get("message_id"));
    REQUIRE(record);
    CHECK(record->state == SendState::transport_failed);
    CHECK(record->attempts == 1);
  }
  SECTION("the partner answers 500") {
    ScriptedPartner partner([](const ScriptedRequest&, int) { return ScriptedReply{500, {}, "busy\n"}; });
    s.a_partner.set("url", partner.url());
    const auto sent = send(s.write_a(), "b", {file.string()});
    CHECK(sent.exit_code == 13);
    CHECK(sent.get("state") == "http_error");
    CHECK(sent.get("http_status") == "500");
    CHECK(partner.requests().size() == 1);
  }
}

TEST_CASE("send: a negative disposition exits 11") {
  Stations s;
  Daemon b(s.b.write());  // B requires encrypted messages (the default)
  s.a_partner.set("url", "http://127.0.0.1:" + std::to_string(b.port()) + "/as2").set("encrypt", "none");
  const auto file = s.b.dir / "plain.edi";
  payload::test::write_file(file, "ISA*00~");
  const auto sent = send(s.write_a(), "b", {file.string()});
  CHECK(sent.exit_code == 11);
  CHECK(sent.get("state") == "negative");
  CHECK(sent.get("disposition").find("insufficient-message-security") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(s.b.data() / "inbox" / "a" / "plain.edi"));
  CHECK(b.stop() == 0);
}

TEST_CASE("send: MDNs that do not check out: another MIC exits 12, a wrong signer or no signature exits 4") {
  Stations s;
  const auto file = s.b.dir / "invoice.edi";
  payload::test::write_file(file, random_bytes(4000, 5));

  SECTION("another MIC") {
    ScriptedPartner partner([&s](const ScriptedRequest& request, int) {
      auto wrong = mdn::compute_mic("other bytes", cms::DigestAlg::sha256);
      REQUIRE(wrong);
      return mdn_reply(request, s, "station", mdn::processed(), *wrong);
    });
    s.a_partner.set("url", partner.url());
    const auto sent = send(s.write_a(), "b", {file.string()});
    CHECK(sent.exit_code == 12);
    CHECK(sent.get("state") == "mic_mismatch");
    CHECK(sent.get("error") == "mic_mismatch");
    CHECK(sent.err.find("MIC") != std::string::npos);
  }
  SECTION("signed by another key than the partner's") {
    ScriptedPartner partner([&s](const ScriptedRequest& request, int) {
      auto mic = mdn::compute_mic("x", cms::DigestAlg::sha256);
      REQUIRE(mic);
      return mdn_reply(request, s, "partner", mdn::processed(), *mic);
    });
    s.a_partner.set("url", partner.url());
    const auto sent = send(s.write_a(), "b", {file.string()});
    CHECK(sent.exit_code == 4);
    CHECK(sent.get("state") == "bad_mdn");
  }
  SECTION("not an MDN at all") {
    ScriptedPartner partner([](const ScriptedRequest&, int) {
      return ScriptedReply{200, {{"Content-Type", "text/html"}}, "<html>thanks</html>"};
    });
    s.a_partner.set("url", partner.url());
    const auto sent = send(s.write_a(), "b", {file.string()});
    CHECK(sent.exit_code == 4);
    CHECK(sent.get("state") == "bad_mdn");
    CHECK(sent.get("error") == "bad_signature");
    CHECK(sent.get("reason").find("no MDN") != std::string::npos);
  }
}

TEST_CASE("send: a resend under the same Message-ID gets the replayed MDN, not a second file") {
  Stations s;
  Daemon b(s.b.write());
  s.a_partner.set("url", "http://127.0.0.1:" + std::to_string(b.port()) + "/as2");
  const auto file = s.b.dir / "once.edi";
  payload::test::write_file(file, random_bytes(6000, 6));
  const auto first = send(s.write_a(), "b", {file.string()});
  REQUIRE(first.exit_code == 0);
  const auto again = send(s.write_a(), "b", {file.string()}, {"--message-id", first.get("message_id")});
  CHECK(again.exit_code == 0);
  CHECK(again.get("message_id") == first.get("message_id"));
  CHECK(again.get("state") == "processed");
  const auto record = stored(s.a_data(), first.get("message_id"));
  REQUIRE(record);
  CHECK(record->attempts == 2);
  CHECK(b.wait_for_log("\"name\":\"duplicate_replayed\""));
  CHECK_FALSE(std::filesystem::exists(s.b.data() / "inbox" / "a" / "once-1.edi"));
  CHECK(b.stop() == 0);
}

TEST_CASE("as2d refuses an MDN for a message it never sent, and a partner that is not configured") {
  Stations s;
  s.b.partner("a").set("url", "http://127.0.0.1:1/as2");
  Daemon b(s.b.write());
  // An MDN from PARTNER_A to STATION answering a Message-ID STATION never sent.
  ScriptedRequest request;
  request.headers = {{"Message-ID", "<never-sent@example>"}, {"AS2-From", "STATION"}, {"AS2-To", "PARTNER_A"}};
  auto mic = mdn::compute_mic("x", cms::DigestAlg::sha256);
  REQUIRE(mic);
  const auto reply = mdn_reply(request, s, "partner", mdn::processed(), *mic);
  const auto answer = http(b.port(), "POST", "/as2", reply.headers, reply.body);
  CHECK(answer.status == 400);
  CHECK(answer.body.find("<never-sent@example>") != std::string::npos);
  CHECK(b.wait_for_log("\"name\":\"mdn_refused\""));

  const auto unknown = payload::test::run({payload::test::payload_cli(), "as2", "send", "--config", s.write_a().string(),
                                           "--partner", "nobody", (s.b.dir / "x").string()});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("[partner.nobody]") != std::string::npos);
  CHECK(b.stop() == 0);
}

TEST_CASE("send configuration: async MDNs need mdn_url, and legacy algorithms need their AS2 version") {
  Stations s;
  s.a_partner.set("url", "http://127.0.0.1:1/as2").set("mdn", "async");
  auto checked = run_as2d({"--check-config", s.write_a().string()});
  CHECK(checked.exit_code != 0);
  CHECK(checked.err.find("mdn: async needs [station] mdn_url") != std::string::npos);

  s.a_partner.set("mdn", "sync").set("allowed_digests", "sha1, sha-256").set("sign", "sha1").set("as2_version", "1.3");
  checked = run_as2d({"--check-config", s.write_a().string()});
  CHECK(checked.exit_code != 0);
  CHECK(checked.err.find("as2_version: 1.3 allows no MD5, SHA-1 or 3DES") != std::string::npos);

  s.a_partner.erase("as2_version");
  checked = run_as2d({"--check-config", s.write_a().string()});
  CHECK(checked.exit_code == 0);
}

TEST_CASE("send: http_proxy carries the message, no_proxy bypasses it") {
  Stations s;
  ScriptedPartner proxy([](const ScriptedRequest&, int) { return ScriptedReply{200, {}, ""}; });
  // Nobody listens at the partner's own address: only the proxy can deliver.
  s.a_partner.set("url", "http://127.0.0.1:" + std::to_string(free_port()) + "/as2").set("mdn", "none");
  const auto file = s.b.dir / "via-proxy.edi";
  payload::test::write_file(file, "ISA*00~");
  const std::vector<std::string> argv{payload::test::payload_cli(), "as2", "send", "--config", s.write_a().string(),
                                      "--partner", "b", file.string()};
  const std::string proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port());
  const auto proxied = payload::test::run(argv, {}, {{"http_proxy", proxy_url}, {"no_proxy", "example.org"}});
  INFO(proxied.err);
  CHECK(proxied.exit_code == 0);
  REQUIRE(proxy.requests().size() == 1);
  CHECK_FALSE(proxy.requests()[0].body.empty());
  CHECK(proxy.requests()[0].header("AS2-To") == "STATION");

  const auto bypassed = payload::test::run(argv, {}, {{"http_proxy", proxy_url}, {"no_proxy", "localhost, 127.0.0.1"}});
  CHECK(bypassed.exit_code == 13);
  CHECK(proxy.requests().size() == 1);
}

TEST_CASE("proxy_for reads the variables as curl does") {
  std::map<std::string, std::string> env;
  const Environment lookup = [&env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto none = proxy_for("https://as2.example.com/as2", lookup);
  REQUIRE(none);
  CHECK_FALSE(*none);

  env = {{"https_proxy", "http://user:p%40ss@proxy.example:8080"}, {"HTTP_PROXY", "http://httpoxy:1"}};
  auto https = proxy_for("https://as2.example.com/as2", lookup);
  REQUIRE(https);
  REQUIRE(*https);
  CHECK((*https)->host == "proxy.example");
  CHECK((*https)->port == 8080);
  CHECK((*https)->user == "user");
  CHECK((*https)->password == "p@ss");
  auto plain = proxy_for("http://as2.example.com/as2", lookup);
  REQUIRE(plain);
  CHECK_FALSE(*plain);  // HTTP_PROXY (upper case) is never read

  env = {{"all_proxy", "proxy.example"}, {"no_proxy", ".example.com"}};
  auto fallback = proxy_for("http://as2.partner.org/", lookup);
  REQUIRE(fallback);
  REQUIRE(*fallback);
  CHECK((*fallback)->port == 1080);
  auto bypassed = proxy_for("https://as2.example.com/", lookup);
  REQUIRE(bypassed);
  CHECK_FALSE(*bypassed);

  env = {{"https_proxy", "socks5://proxy.example:1080"}};
  auto socks = proxy_for("https://as2.example.com/", lookup);
  REQUIRE_FALSE(socks);
  CHECK(socks.error().message().find("only HTTP proxies") != std::string::npos);
}

TEST_CASE("send: everything on the command line, the store in --data-dir") {
  Stations s;
  Daemon b(s.b.write());
  const auto file = s.b.dir / "direct.edi";
  payload::test::write_file(file, random_bytes(3333, 9));
  const auto data = s.b.dir / "direct-store";
  const std::string url = "http://127.0.0.1:" + std::to_string(b.port()) + "/as2";
  const auto sent = payload::test::run({payload::test::payload_cli(), "as2", "send", "--json", "--url", url, "--from",
                                        "PARTNER_A", "--to", "STATION", "--key", (s.b.dir / "partner.key").string(), "--cert",
                                        (s.b.dir / "partner.crt").string(), "--partner-cert", (s.b.dir / "station.crt").string(),
                                        "--compress", "before-sign", "--mdn", "sync", file.string(), "--data-dir",
                                        data.string()});
  INFO(sent.out << sent.err);
  CHECK(sent.exit_code == 0);
  CHECK(sent.out.find("\"state\":\"processed\"") != std::string::npos);
  CHECK(payload::test::read_file(s.b.data() / "inbox" / "a" / "direct.edi") == random_bytes(3333, 9));
  const auto at = sent.out.find("\"message_id\":\"");
  REQUIRE(at != std::string::npos);
  const auto id = sent.out.substr(at + 14, sent.out.find('"', at + 14) - at - 14);
  const auto status = payload::test::run({payload::test::payload_cli(), "as2", "status", "--data-dir", data.string(), id});
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("partner: command-line") != std::string::npos);
  CHECK(status.out.find("state: processed") != std::string::npos);

  // Both forms at once, or half of one, is a usage error.
  const auto mixed = payload::test::run({payload::test::payload_cli(), "as2", "send", "--config", s.write_a().string(),
                                         "--partner", "b", "--url", url, file.string()});
  CHECK(mixed.exit_code == 2);
  const auto half = payload::test::run({payload::test::payload_cli(), "as2", "send", "--url", url, "--from", "PARTNER_A",
                                        file.string()});
  CHECK(half.exit_code == 2);
  CHECK(half.err.find("--url, --from and --to go together") != std::string::npos);
  CHECK(b.stop() == 0);
}

TEST_CASE("an asynchronous MDN that arrives before the sender records the 2xx is kept") {
  payload::test::TempDir dir;
  auto store = OutboundStore::open(dir / "as2d.sqlite");
  REQUIRE(store);
  OutboundRecord sending;
  sending.message_id = "<race@example>";
  sending.partner = "b";
  sending.state = SendState::sending;
  REQUIRE((*store)->save(sending));
  // as2d (another connection, as another process would) records the receipt first.
  auto receiver = OutboundStore::open(dir / "as2d.sqlite");
  REQUIRE(receiver);
  OutboundRecord receipt = sending;
  receipt.state = SendState::processed;
  receipt.disposition = "automatic-action/MDN-sent-automatically; processed";
  receipt.mdn = std::string("MDN bytes");
  REQUIRE((*receiver)->save(receipt));
  // Then the sender's answer: 204, awaiting the MDN.
  OutboundRecord answered = sending;
  answered.state = SendState::awaiting_mdn;
  answered.http_status = 204;
  answered.attempts = 1;
  auto saved = (*store)->save_answer(answered);
  REQUIRE(saved);
  CHECK(saved->state == SendState::processed);
  CHECK(saved->http_status == 204);
  auto row = (*receiver)->find("race@example");
  REQUIRE(row);
  REQUIRE(*row);
  CHECK((*row)->state == SendState::processed);
  CHECK((*row)->mdn == std::optional<std::string>("MDN bytes"));
  CHECK((*row)->attempts == 1);
  // Without a receipt, the answer is saved as it is.
  OutboundRecord other = answered;
  other.message_id = "<other@example>";
  auto plain = (*store)->save_answer(other);
  REQUIRE(plain);
  CHECK(plain->state == SendState::awaiting_mdn);
}

TEST_CASE("send over HTTPS: the partner's certificate checked against tls_ca, our client certificate presented") {
  Stations s;
  make_tls_identity(s.b.dir.path(), "tls");                    // B's TLS server certificate, for 127.0.0.1
  make_identity(s.b.dir.path(), "client", "PARTNER_A TLS CLIENT");  // A's TLS client certificate
  make_identity(s.b.dir.path(), "other-ca", "SOME OTHER CA");
  s.b.station.set("tls", "on")
      .set("tls_cert", (s.b.dir / "tls.crt").string())
      .set("tls_key", (s.b.dir / "tls.key").string())
      .set("tls_client_ca", (s.b.dir / "client.crt").string());
  Daemon b(s.b.write());
  const auto file = s.b.dir / "secure.edi";
  payload::test::write_file(file, random_bytes(5000, 11));
  s.a_partner.set("url", "https://127.0.0.1:" + std::to_string(b.port()) + "/as2").set("tls_ca", (s.b.dir / "tls.crt").string());

  SECTION("with the client certificate: processed") {
    s.a_station.set("tls_client_cert", (s.b.dir / "client.crt").string()).set("tls_client_key", (s.b.dir / "client.key").string());
    const auto sent = send(s.write_a(), "b", {file.string()});
    CHECK(sent.exit_code == 0);
    CHECK(sent.get("state") == "processed");
    CHECK(payload::test::read_file(s.b.data() / "inbox" / "a" / "secure.edi") == random_bytes(5000, 11));
  }
  SECTION("without it: B refuses the handshake, exit 13") {
    const auto sent = send(s.write_a(), "b", {file.string()});
    CHECK(sent.exit_code == 13);
    CHECK(sent.get("state") == "transport_failed");
  }
  SECTION("a server certificate that does not chain to tls_ca: exit 13, nothing sent") {
    s.a_station.set("tls_client_cert", (s.b.dir / "client.crt").string()).set("tls_client_key", (s.b.dir / "client.key").string());
    s.a_partner.set("tls_ca", (s.b.dir / "other-ca.crt").string());
    const auto sent = send(s.write_a(), "b", {file.string()});
    CHECK(sent.exit_code == 13);
    CHECK(sent.get("reason").find("certificate") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(s.b.data() / "inbox" / "a" / "secure.edi"));
  }
  CHECK(b.stop() == 0);
}

TEST_CASE("send: HTTP basic authentication towards the partner, the password from a file or the environment") {
  Stations s;
  auto hash = openssl({"passwd", "-6", "open sesame"});
  hash.pop_back();
  s.b.partner("a").set("auth_user", "peer-a").set("auth_password_hash", hash);
  Daemon b(s.b.write());
  const auto file = s.b.dir / "authed.edi";
  payload::test::write_file(file, "ISA*00~");
  s.a_partner.set("url", "http://127.0.0.1:" + std::to_string(b.port()) + "/as2").set("send_user", "peer-a");

  SECTION("the right password from a file: processed") {
    write_secret(s.b.dir / "password", "open sesame\n");
    s.a_partner.set("send_password_file", (s.b.dir / "password").string());
    const auto sent = send(s.write_a(), "b", {file.string()});
    CHECK(sent.exit_code == 0);
    CHECK(sent.get("state") == "processed");
  }
  SECTION("a wrong one from the environment: 401, exit 13, nothing stored") {
    s.a_partner.set("send_password_env", "AS2_TEST_SEND_PASSWORD");
    const auto result = payload::test::run({payload::test::payload_cli(), "as2", "send", "--json", "--config",
                                            s.write_a().string(), "--partner", "b", file.string()},
                                           {}, {{"AS2_TEST_SEND_PASSWORD", "guess"}});
    CHECK(result.exit_code == 13);
    CHECK(result.out.find("\"http_status\":401") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(s.b.data() / "inbox" / "a" / "authed.edi"));
  }
  CHECK(b.stop() == 0);
}

TEST_CASE("send: a partner that does not answer within send_timeout is a transport failure") {
  Stations s;
  ScriptedPartner slow([](const ScriptedRequest&, int) {
    std::this_thread::sleep_for(std::chrono::seconds(4));
    return ScriptedReply{200, {}, ""};
  });
  s.a_partner.set("url", slow.url()).set("send_timeout", "1");
  const auto file = s.b.dir / "slow.edi";
  payload::test::write_file(file, "ISA*00~");
  const auto sent = send(s.write_a(), "b", {file.string()});
  CHECK(sent.exit_code == 13);
  CHECK(sent.get("state") == "transport_failed");
  CHECK(sent.get("reason").find("Timeout") != std::string::npos);
}
