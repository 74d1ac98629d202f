// as2d killed with SIGKILL at random moments while 16 senders keep posting distinct
// messages (synchronous and asynchronous MDNs) and its outbox sends files to a second
// station, restarted each time (docs/reliability.md, "Faults and load"). What must hold:
// every message acknowledged ("processed" MDN, or 204 for an asynchronous one) is in the
// inbox with the SHA-256 its sender recorded; no partial, temporary or foreign file is ever
// visible in an inbox; no message is stored twice (senders retry until acknowledged, under
// the same Message-ID); every asynchronous MDN and every outbox file is eventually
// delivered or reported failed.
//
// The knobs (environment) make the same test the long run of bench/as2d_kill_load.sh:
// AS2D_KILLS (20), AS2D_KILL_SENDERS (16), AS2D_KILL_MESSAGES per sender (40),
// AS2D_KILL_OUTBOX files (24), AS2D_KILL_MAX_UP_MS, the longest a run lasts before its
// kill (400), AS2D_KILL_SEED (random; printed so that a failing order can be replayed).
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <payload/as2/pack.h>
#include <payload/cms/certificate.h>
#include <payload/mdn/parse.h>

#include "as2d_fixture.h"
#include "outbound_store.h"
#include "store.h"

using namespace as2d;
using namespace as2d::test;
namespace as2 = payload::as2;
namespace cms = payload::cms;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

int knob(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::atoi(value) : fallback;
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  REQUIRE(EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) == 1);
  static const char* hex = "0123456789abcdef";
  std::string text;
  for (unsigned i = 0; i < size; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 15];
  }
  return text;
}

struct Message {
  std::string filename;
  std::string sha256;  // of the payload, recorded by the sender before sending
  std::size_t size = 0;
  bool async = false;
  as2::HttpMessage http;
  [[nodiscard]] std::string id() const { return header_value(http.headers, "Message-ID"); }
};

// One sender's view of a message. Written by its sender thread only, read after the join.
struct Outcome {
  int attempts = 0;
  bool acknowledged = false;
  std::string refusal;  // an answer that is neither an acknowledgement nor worth a retry
};

// The two stations: A (PARTNER_A, the one that is killed) receives from B's identity and
// sends its outbox to B (STATION, an as2d that keeps running).
struct Stations {
  Setup b;
  Setup a{false};
  std::uint16_t a_port = free_port();
  Stations(std::uint16_t b_port, std::uint16_t receiver_port) {
    b.partner("a").set("as2_id", "PARTNER_A").set("cert", (b.dir / "partner.crt").string());
    a.station.set("as2_id", "PARTNER_A")
        .set("key", (b.dir / "partner.key").string())
        .set("cert", (b.dir / "partner.crt").string())
        .set("listen", "127.0.0.1:" + std::to_string(a_port))
        .set("outbox_poll", "1")
        .set("send_retry", "1")
        .set("async_mdn_retry", "1")
        .set("max_connections", "32");
    a.partner("b")
        .set("as2_id", "STATION")
        .set("cert", (b.dir / "station.crt").string())
        .set("url", "http://127.0.0.1:" + std::to_string(b_port) + "/as2")
        .set("async_mdn_urls", "http://127.0.0.1:" + std::to_string(receiver_port) + "/")
        .set("outbox_stable", "0");
  }
  [[nodiscard]] std::filesystem::path inbox() const { return a.data() / "inbox" / "b"; }
  [[nodiscard]] std::filesystem::path outbox() const { return a.data() / "outbox" / "b"; }
};

// Distinct payloads of 1 to 9 KiB, signed by B's key, encrypted to A; every fourth one asks
// for an asynchronous MDN.
std::vector<Message> pack_messages(const Stations& s, int count, std::uint16_t receiver_port, std::mt19937_64& rng) {
  auto options = signed_encrypted(s.b.dir.path(), "station", "partner", "STATION", "PARTNER_A");
  std::vector<Message> messages;
  for (int i = 0; i < count; ++i) {
    Message m;
    m.async = i % 4 == 3;
    m.filename = "load-" + std::to_string(i) + ".x12";
    std::string payload(1024 + rng() % 8192, '\0');
    for (auto& c : payload) c = static_cast<char>(rng());
    m.sha256 = sha256_hex(payload);
    m.size = payload.size();
    options.filename = m.filename;
    options.mdn = as2::MdnRequest{"mdn@b.example", {cms::DigestAlg::sha256},
                                  m.async ? "http://127.0.0.1:" + std::to_string(receiver_port) + "/mdn" : "", {}};
    auto packed = as2::pack(std::move(payload), options);
    REQUIRE(packed);
    m.http = std::move(packed->http);
    messages.push_back(std::move(m));
  }
  return messages;
}

// Posts each of its messages until it is acknowledged: connection failures (the daemon is
// down or was killed mid-request) and 5xx answers are retried with the same bytes.
void send_all(std::uint16_t port, const std::vector<Message>& messages, std::vector<Outcome>& outcomes,
              std::size_t first, std::size_t count, Clock::time_point deadline) {
  for (std::size_t i = first; i < first + count; ++i) {
    auto& outcome = outcomes[i];
    while (!outcome.acknowledged && outcome.refusal.empty() && Clock::now() < deadline) {
      ++outcome.attempts;
      try {
        const auto reply = http(port, "POST", "/as2", messages[i].http.headers, messages[i].http.body);
        const bool processed = reply.body.find("automatic-action/MDN-sent-automatically; processed\r\n") != std::string::npos;
        if (messages[i].async ? reply.status == 204 : (reply.status == 200 && processed)) {
          outcome.acknowledged = true;
        } else if (reply.status < 500) {
          outcome.refusal = std::to_string(reply.status) + " " + reply.body;
        }
      } catch (const std::exception&) {
        // No answer: nothing was promised; try again.
      }
      if (!outcome.acknowledged) std::this_thread::sleep_for(20ms);
    }
  }
}

// Every file in the inbox is a whole message under its own name: never a temporary, a
// partial write, or a second copy ("load-N-1.x12"). Returns what is wrong, one line each
// (no Catch2 assertions: the sender threads are still running).
std::string inbox_faults(const std::filesystem::path& inbox, const std::map<std::string, const Message*>& by_name) {
  std::string faults;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(inbox, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    const auto found = by_name.find(name);
    if (found == by_name.end())
      faults += "unexpected file " + name + "\n";
    else if (sha256_hex(payload::test::read_file(it->path())) != found->second->sha256)
      faults += "not whole: " + name + "\n";
  }
  return faults;
}

}  // namespace

TEST_CASE("as2d killed at random moments under 16 concurrent senders: every acknowledged message stored whole, once") {
  const int kills = knob("AS2D_KILLS", 20);
  const int senders = knob("AS2D_KILL_SENDERS", 16);
  const int per_sender = knob("AS2D_KILL_MESSAGES", 40);
  const int outbox_files = knob("AS2D_KILL_OUTBOX", 24);
  const int max_up_ms = knob("AS2D_KILL_MAX_UP_MS", 400);
  const auto seed = static_cast<unsigned long long>(knob("AS2D_KILL_SEED", static_cast<int>(std::random_device{}() >> 1)));
  std::mt19937_64 rng(seed);
  const auto started = Clock::now();

  MdnReceiver receiver;
  const auto b_port = free_port();
  Stations s(b_port, receiver.port());
  s.b.station.set("listen", "127.0.0.1:" + std::to_string(b_port));
  Daemon b(s.b.write());

  const int count = senders * per_sender;
  const auto messages = pack_messages(s, count, receiver.port(), rng);
  std::map<std::string, const Message*> by_name;
  for (const auto& m : messages) by_name[m.filename] = &m;
  std::map<std::string, std::string> outbox_sha256;
  std::filesystem::create_directories(s.outbox());
  for (int i = 0; i < outbox_files; ++i) {
    std::string bytes(2000 + rng() % 4000, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    const auto name = "out-" + std::to_string(i) + ".edi";
    outbox_sha256[name] = sha256_hex(bytes);
    payload::test::write_file(s.outbox() / ("." + name), bytes);
    std::filesystem::rename(s.outbox() / ("." + name), s.outbox() / name);
  }

  std::vector<Outcome> outcomes(messages.size());
  const auto deadline = Clock::now() + std::chrono::seconds(30 + kills * max_up_ms / 500);
  std::vector<std::thread> threads;
  for (int t = 0; t < senders; ++t) {
    threads.emplace_back(send_all, s.a_port, std::cref(messages), std::ref(outcomes),
                         static_cast<std::size_t>(t * per_sender), static_cast<std::size_t>(per_sender), deadline);
  }
  std::uniform_int_distribution<int> up_ms(5, max_up_ms);
  int survived = 0;
  std::string faults;
  for (int round = 0; round < kills; ++round) {
    Daemon a(s.a.write("a-" + std::to_string(round) + ".ini"));
    std::this_thread::sleep_for(std::chrono::milliseconds(up_ms(rng)));
    if (a.stop(SIGKILL) == 128 + SIGKILL) ++survived;
    if (const auto found = inbox_faults(s.inbox(), by_name); !found.empty() && faults.empty())
      faults = "after kill " + std::to_string(round + 1) + ":\n" + found + a.log();
  }
  CHECK(survived == kills);
  CHECK(faults == "");
  // The last start runs until every sender is done, the outbox is empty and every
  // asynchronous MDN is out.
  Daemon a(s.a.write("a-final.ini"));
  for (auto& thread : threads) thread.join();

  int acknowledged = 0, attempts = 0;
  std::size_t bytes_acknowledged = 0;
  std::map<std::string, const Message*> async_by_id;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    INFO(messages[i].filename << ": " << outcomes[i].refusal);
    CHECK(outcomes[i].refusal.empty());
    CHECK(outcomes[i].acknowledged);
    attempts += outcomes[i].attempts;
    if (!outcomes[i].acknowledged) continue;
    ++acknowledged;
    bytes_acknowledged += messages[i].size;
    if (messages[i].async) async_by_id[messages[i].id()] = &messages[i];
  }

  // Stored: each acknowledged message exactly once, whole, recorded as processed.
  CHECK(inbox_faults(s.inbox(), by_name) == "");
  const auto stored = names_in(s.inbox());
  auto store = MessageStore::open(s.a.data() / "as2d.sqlite");
  REQUIRE(store);
  std::size_t bytes_lost = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (!outcomes[i].acknowledged) continue;
    INFO(messages[i].filename);
    if (!stored.count(messages[i].filename)) bytes_lost += messages[i].size;
    auto row = (*store)->find("b", "in", messages[i].id());
    REQUIRE(row);
    REQUIRE(row->has_value());
    CHECK((*row)->status == "processed");
  }
  CHECK(bytes_lost == 0);
  CHECK(stored.size() == static_cast<std::size_t>(acknowledged));

  // Every asynchronous MDN delivered (at least once: a kill between the POST and its
  // bookkeeping sends it again), with "processed".
  const auto a_cert = payload::cms::Certificate::load(s.b.dir / "partner.crt");
  REQUIRE(a_cert);
  std::map<std::string, bool> delivered;
  REQUIRE(wait_until([&] {
    for (const auto& request : receiver.wait_for(0, 0ms)) {
      auto report = payload::mdn::parse_mdn(request.headers, request.body, {*a_cert});
      if (report && report->disposition.is_success()) delivered[report->original_message_id] = true;
    }
    return delivered.size() >= async_by_id.size();
  }));
  for (const auto& [id, message] : async_by_id) {
    INFO("async MDN for " << message->filename);
    CHECK(delivered.count(id));
  }
  // Every outbox file in sent/ (with B's MDN) or failed/ (with its reason), and B got each
  // one sent exactly once, whole.
  REQUIRE(wait_until([&] {
    return names_in(s.outbox()).empty() && names_in(s.outbox() / ".queue").empty();
  }));
  const auto sent = names_in(s.outbox() / "sent");
  const auto failed = names_in(s.outbox() / "failed");
  const auto at_b = names_in(s.b.data() / "inbox" / "a");
  int outbox_sent = 0, outbox_failed = 0;
  for (const auto& [name, sha] : outbox_sha256) {
    INFO("outbox file " << name);
    if (sent.count(name)) {
      ++outbox_sent;
      CHECK(sent.count(name + ".mdn"));
      REQUIRE(at_b.count(name));
      CHECK(sha256_hex(payload::test::read_file(s.b.data() / "inbox" / "a" / name)) == sha);
    } else {
      ++outbox_failed;
      CHECK(failed.count(name));
      CHECK(failed.count(name + ".reason"));
    }
  }
  CHECK(at_b.size() == static_cast<std::size_t>(outbox_sent));

  const auto stopped = a.stop();
  INFO(a.log());
  CHECK(stopped == 0);
  CHECK(b.stop() == 0);
  // How often a start found a payload linked before the kill whose row was not committed
  // (store.h, PendingFile): each one a message that would otherwise be stored twice.
  std::size_t undone = 0;
  for (const auto& name : names_in(s.a.dir.path())) {
    if (!name.ends_with(".log")) continue;
    const auto log = payload::test::read_file(s.a.dir / name);
    for (auto at = log.find("\"unacknowledged_file_removed\""); at != std::string::npos;
         at = log.find("\"unacknowledged_file_removed\"", at + 1))
      ++undone;
  }
  std::printf(
      "kill-load: seed=%llu kills=%d survived=%d senders=%d messages=%zu attempts=%d acknowledged=%d stored=%zu "
      "bytes_acknowledged=%zu bytes_lost=%zu unacknowledged_files_removed=%zu async_mdns=%zu delivered=%zu outbox=%d sent=%d "
      "failed=%d seconds=%.1f\n",
      seed, kills, survived, senders, messages.size(), attempts, acknowledged, stored.size(), bytes_acknowledged,
      bytes_lost, undone, async_by_id.size(), delivered.size(), outbox_files, outbox_sent, outbox_failed,
      std::chrono::duration<double>(Clock::now() - started).count());
}
