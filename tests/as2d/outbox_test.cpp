// as2d outboxes: station A's as2d sends what is put into its outbox to station B (an
// as2d) or to scripted partners; retries, giving up, final failures, and SIGKILL in the
// middle of an outbox run with nothing lost and nothing sent twice.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "as2d_fixture.h"
#include "outbound_store.h"
#include "scripted_partner.h"

using namespace as2d;
using namespace as2d::test;
using namespace std::chrono_literals;

namespace {

// B is the Setup's station (STATION, station.*), A its partner identity (PARTNER_A, partner.*).
struct Stations {
  Setup b;
  Setup a{false};
  Stations() {
    b.partner("a").set("as2_id", "PARTNER_A").set("cert", (b.dir / "partner.crt").string());
    a.station.set("as2_id", "PARTNER_A")
        .set("key", (b.dir / "partner.key").string())
        .set("cert", (b.dir / "partner.crt").string())
        .set("outbox_poll", "1");
    a.partner("b").set("as2_id", "STATION").set("cert", (b.dir / "station.crt").string()).set("outbox_stable", "0");
  }
  [[nodiscard]] std::filesystem::path outbox() const { return a.data() / "outbox" / "b"; }
};

std::string bytes_of(int n, std::size_t size = 4096) {
  std::string bytes(size, '\0');
  unsigned state = static_cast<unsigned>(n) * 2654435761u + 7;
  for (auto& c : bytes) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 16);
  }
  return bytes;
}

// Puts a file into the outbox the way well-behaved tools do: written under a hidden name,
// then renamed in.
void drop(const std::filesystem::path& outbox, const std::string& name, const std::string& bytes) {
  std::filesystem::create_directories(outbox);
  payload::test::write_file(outbox / ("." + name + ".tmp"), bytes);
  std::filesystem::rename(outbox / ("." + name + ".tmp"), outbox / name);
}

}  // namespace

TEST_CASE("outbox: files go to the partner, land in sent/ with their MDNs, byte for byte") {
  Stations s;
  Daemon b(s.b.write());
  s.a.partner("b").set("url", "http://127.0.0.1:" + std::to_string(b.port()) + "/as2");
  Daemon a(s.a.write());
  for (int i = 1; i <= 5; ++i) drop(s.outbox(), "order-" + std::to_string(i) + ".edi", bytes_of(i));
  // A file still being written under a hidden name is left alone.
  payload::test::write_file(s.outbox() / ".partial.edi", "half");
  REQUIRE(wait_until([&] { return names_in(s.outbox() / "sent").size() == 10; }));
  for (int i = 1; i <= 5; ++i) {
    const auto name = "order-" + std::to_string(i) + ".edi";
    CHECK(payload::test::read_file(s.b.data() / "inbox" / "a" / name) == bytes_of(i));
    CHECK(payload::test::read_file(s.outbox() / "sent" / name) == bytes_of(i));
    CHECK(payload::test::read_file(s.outbox() / "sent" / (name + ".mdn")).find("multipart/signed") != std::string::npos);
  }
  CHECK(std::filesystem::exists(s.outbox() / ".partial.edi"));
  CHECK(names_in(s.outbox() / ".queue").empty());
  CHECK(a.events("\"name\":\"message_queued\"").size() == 5);
  CHECK(a.wait_for_log("\"name\":\"message_delivered\"", 5));
  CHECK(a.events("\"state\":\"processed\"").size() >= 5);
  CHECK(a.stop() == 0);
  CHECK(b.stop() == 0);
}

TEST_CASE("outbox: a partner that answers 500 twice and then accepts gets the message once, under one Message-ID") {
  Stations s;
  ScriptedPartner partner([](const ScriptedRequest&, int number) {
    return number <= 2 ? ScriptedReply{500, {}, "try later\n"} : ScriptedReply{200, {}, ""};
  });
  s.a.station.set("send_retry", "1");
  s.a.partner("b").set("url", partner.url()).set("mdn", "none");
  Daemon a(s.a.write());
  drop(s.outbox(), "retry.edi", bytes_of(1));
  REQUIRE(wait_until([&] { return names_in(s.outbox() / "sent").count("retry.edi") == 1; }));
  const auto requests = partner.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].header("Message-ID") == requests[2].header("Message-ID"));
  CHECK(requests[1].header("Message-ID") == requests[2].header("Message-ID"));
  CHECK(a.events("\"name\":\"send_retry\"").size() == 2);
  CHECK(a.wait_for_log("\"name\":\"message_delivered\"", 1));
  auto store = OutboundStore::open(s.a.data() / "as2d.sqlite");
  REQUIRE(store);
  auto row = (*store)->find(requests[0].header("Message-ID"));
  REQUIRE(row);
  REQUIRE(*row);
  CHECK((*row)->state == SendState::delivered);
  CHECK((*row)->attempts == 3);
  CHECK(a.stop() == 0);
}

TEST_CASE("outbox: retries end after send_give_up, and a 4xx answer is final at once") {
  Stations s;
  ScriptedPartner down([](const ScriptedRequest&, int) { return ScriptedReply{503, {}, "down\n"}; });
  ScriptedPartner refusing([](const ScriptedRequest&, int) { return ScriptedReply{403, {}, "who are you\n"}; });
  s.a.station.set("send_retry", "1").set("send_give_up", "3");
  s.a.partner("b").set("url", down.url());
  s.a.partner("c").set("as2_id", "OTHER").set("cert", (s.b.dir / "station.crt").string()).set("url", refusing.url())
      .set("outbox_stable", "0");
  Daemon a(s.a.write());
  drop(s.outbox(), "never.edi", bytes_of(2));
  drop(s.a.data() / "outbox" / "c", "refused.edi", bytes_of(3));
  REQUIRE(wait_until([&] { return names_in(s.outbox() / "failed").count("never.edi.reason") == 1; }));
  CHECK(payload::test::read_file(s.outbox() / "failed" / "never.edi") == bytes_of(2));
  CHECK(payload::test::read_file(s.outbox() / "failed" / "never.edi.reason").find("state: given_up") != std::string::npos);
  CHECK(down.requests().size() >= 2);
  CHECK(a.events("\"name\":\"send_given_up\"").size() == 1);
  REQUIRE(wait_until([&] { return names_in(s.a.data() / "outbox" / "c" / "failed").count("refused.edi.reason") == 1; }));
  INFO(a.log());
  CHECK(refusing.requests().size() == 1);
  CHECK(payload::test::read_file(s.a.data() / "outbox" / "c" / "failed" / "refused.edi.reason").find("http-status: 403") !=
        std::string::npos);
  CHECK(a.stop() == 0);
}

TEST_CASE("outbox: as2d killed again and again during a run: every file sent exactly once, none lost") {
  Stations s;
  Daemon b(s.b.write());
  s.a.partner("b").set("url", "http://127.0.0.1:" + std::to_string(b.port()) + "/as2");
  constexpr int files = 40;
  for (int i = 0; i < files; ++i) drop(s.outbox(), "batch-" + std::to_string(i) + ".edi", bytes_of(100 + i, 2000));
  // Kill A at staggered moments while it works through the outbox, then let it finish.
  // A configuration file per start: each start logs to a file of its own (Daemon waits for
  // its daemon_started line); the data directory is the same.
  for (int round = 0; round < 5; ++round) {
    Daemon a(s.a.write("a-" + std::to_string(round) + ".ini"));
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 90 * round));
    CHECK(a.stop(SIGKILL) == 128 + SIGKILL);
  }
  Daemon a(s.a.write("a-final.ini"));
  const bool all_sent = wait_until([&] { return names_in(s.outbox() / "sent").size() == 2 * files; });
  std::string odd;
  for (const auto& name : names_in(s.outbox() / "sent"))
    if (!name.starts_with("batch-")) odd += name + " ";
  INFO("odd: " << odd << "sent: " << names_in(s.outbox() / "sent").size() << ", queued: " << names_in(s.outbox() / ".queue").size()
                << ", outbox: " << names_in(s.outbox()).size() << ", inbox of B: " << names_in(s.b.data() / "inbox" / "a").size()
                << "\n" << a.log());
  REQUIRE(all_sent);
  const auto inbox = names_in(s.b.data() / "inbox" / "a");
  CHECK(inbox.size() == static_cast<std::size_t>(files));  // no "batch-N-1.edi": nothing stored twice
  for (int i = 0; i < files; ++i) {
    const auto name = "batch-" + std::to_string(i) + ".edi";
    CHECK(payload::test::read_file(s.b.data() / "inbox" / "a" / name) == bytes_of(100 + i, 2000));
    CHECK(payload::test::read_file(s.outbox() / "sent" / name) == bytes_of(100 + i, 2000));
  }
  CHECK(names_in(s.outbox() / ".queue").empty());
  CHECK(names_in(s.outbox()).empty());
  const auto stopped = a.stop();
  INFO(a.log());
  CHECK(stopped == 0);
  CHECK(b.stop() == 0);
}

TEST_CASE("outbox: a file still changing is left until it has been stable for outbox_stable") {
  Stations s;
  Daemon b(s.b.write());
  s.a.partner("b").set("url", "http://127.0.0.1:" + std::to_string(b.port()) + "/as2").set("outbox_stable", "3");
  Daemon a(s.a.write());
  std::filesystem::create_directories(s.outbox());
  const auto file = s.outbox() / "growing.edi";
  // Written in place, a piece a second: not taken while it grows.
  for (int i = 0; i < 4; ++i) {
    std::ofstream(file, std::ios::app | std::ios::binary) << bytes_of(i, 1000);
    std::this_thread::sleep_for(1s);
    CHECK(names_in(s.outbox()).count("growing.edi") == 1);
  }
  REQUIRE(wait_until([&] { return names_in(s.outbox() / "sent").count("growing.edi.mdn") == 1; }, 30s));
  CHECK(payload::test::read_file(s.b.data() / "inbox" / "a" / "growing.edi") ==
        bytes_of(0, 1000) + bytes_of(1, 1000) + bytes_of(2, 1000) + bytes_of(3, 1000));
  CHECK(a.stop() == 0);
  CHECK(b.stop() == 0);
}
