// as2d durability under concurrency: messages arriving together share their fsyncs and
// their store commit (group_commit.h), yet every message acknowledged with "processed"
// has its file and its row. Checked by killing as2d (SIGKILL) right after the first MDNs
// arrive, while the other messages are still in flight, and then looking at the inbox and
// the store.
#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <payload/as2/pack.h>
#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>

#include "as2d_fixture.h"
#include "store.h"

using namespace as2d;
using namespace as2d::test;
namespace as2 = payload::as2;
namespace cms = payload::cms;

namespace {

struct Sent {
  std::string filename;
  std::string payload;
  as2::HttpMessage http;
};

// Distinct messages from the partner: signed, encrypted to the station, a signed
// synchronous MDN requested.
std::vector<Sent> pack_messages(const Setup& setup, int count) {
  auto key = cms::PrivateKey::load(setup.dir / "partner.key");
  auto cert = cms::Certificate::load(setup.dir / "partner.crt");
  auto station = cms::Certificate::load(setup.dir / "station.crt");
  REQUIRE(key);
  REQUIRE(cert);
  REQUIRE(station);
  as2::PackOptions options;
  options.headers.from = "PARTNER";
  options.headers.to = "STATION";
  options.content_type = "application/edi-x12";
  options.mdn = as2::MdnRequest{"mdn@partner.example", {cms::DigestAlg::sha256}, "", {}};
  options.sign = as2::SignSpec{cms::Identity{*cert, *key}, {}, {}};
  options.encrypt = as2::EncryptSpec{{*station}, {}};
  std::vector<Sent> messages;
  for (int i = 0; i < count; ++i) {
    Sent sent;
    sent.filename = "killed-" + std::to_string(i) + ".x12";
    sent.payload = "ISA*" + std::to_string(i) + "*" + std::string(4000 + i, 'x') + "~";
    options.filename = sent.filename;
    auto packed = as2::pack(sent.payload, options);
    REQUIRE(packed);
    sent.http = std::move(packed->http);
    messages.push_back(std::move(sent));
  }
  return messages;
}

std::string message_id_of(const as2::HttpMessage& message) { return header_value(message.headers, "Message-ID"); }

}  // namespace

TEST_CASE("every message acknowledged as processed has its file and its row, even when as2d is killed right after") {
  constexpr int count = 24;
  Setup setup;
  setup.partner("acme").set("as2_id", "PARTNER").set("cert", (setup.dir / "partner.crt").string());
  const auto messages = pack_messages(setup, count);
  Daemon daemon(setup.write());

  std::vector<HttpReply> replies(count);
  std::vector<char> answered(count, 0);
  std::atomic<int> processed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      try {
        replies[i] = http(daemon.port(), "POST", "/as2", messages[i].http.headers, messages[i].http.body);
        answered[i] = 1;
        if (replies[i].status == 200 && replies[i].body.find("; processed\r\n") != std::string::npos) ++processed;
      } catch (const std::exception&) {
        // The daemon was killed before it answered this one: nothing was promised.
      }
    });
  }
  // Kill as soon as some answers are out and the rest are still being worked on.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (processed.load() < count / 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  CHECK(daemon.stop(SIGKILL) == 128 + SIGKILL);
  for (auto& thread : threads) thread.join();
  REQUIRE(processed.load() >= count / 3);

  auto store = MessageStore::open(setup.data() / "as2d.sqlite");
  REQUIRE(store);
  const auto inbox = setup.data() / "inbox" / "acme";
  int acknowledged = 0;
  for (int i = 0; i < count; ++i) {
    if (!answered[i] || replies[i].body.find("; processed\r\n") == std::string::npos) continue;
    ++acknowledged;
    INFO("message " << i);
    CHECK(replies[i].status == 200);
    const auto file = inbox / messages[i].filename;
    REQUIRE(std::filesystem::exists(file));
    CHECK(payload::test::read_file(file) == messages[i].payload);
    auto row = (*store)->find("acme", "in", message_id_of(messages[i].http));
    REQUIRE(row);
    REQUIRE(row->has_value());
    CHECK((*row)->status == "processed");
    CHECK((*row)->file_path == file.string());
    CHECK((*row)->mdn.has_value());
  }
  CHECK(acknowledged == processed.load());
}
