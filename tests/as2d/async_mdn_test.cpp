// as2d asynchronous MDNs: 204 at once, the MDN POSTed to a small test receiver, retried
// while the receiver is down (also across a restart of as2d), given up after the
// configured time; and Receipt-Delivery-Option URLs outside the partner's allowance refused.
#include <catch2/catch.hpp>

#include <payload/cms/certificate.h>
#include <payload/mdn/parse.h>

#include "as2d_fixture.h"
#include "store.h"

using namespace as2d;
using namespace as2d::test;
namespace mdn = payload::mdn;

namespace {

WireMessage async_message(const std::string& vector, const std::string& url) {
  auto message = read_wire_message(interop_dir() / "messages" / (vector + ".as2"));
  message.headers.emplace_back("Receipt-Delivery-Option", url);
  return message;
}

mdn::MdnReport parse_delivered(const MdnReceiver::Request& request) {
  auto b = payload::cms::Certificate::load(interop_dir() / "keys" / "b.crt");
  REQUIRE(b);
  auto report = mdn::parse_mdn(request.headers, request.body, {*b});
  INFO(request.body);
  REQUIRE(report);
  return *report;
}

std::vector<MdnDelivery> deliveries(const Setup& setup, const std::string& message_id) {
  auto store = MessageStore::open(setup.data() / "as2d.sqlite");
  REQUIRE(store);
  auto rows = (*store)->mdn_deliveries("a", message_id);
  REQUIRE(rows);
  return *rows;
}

}  // namespace

TEST_CASE("asynchronous MDN: 204 at once, then the signed MDN POSTed to the partner's URL") {
  MdnReceiver receiver;
  InteropSetup setup;
  setup.partner("a").set("url", "http://127.0.0.1:" + std::to_string(receiver.port()) + "/as2");
  Daemon daemon(setup.write());
  const auto message = async_message("signed-sha256-aes256", "http://127.0.0.1:" + std::to_string(receiver.port()) + "/mdn");
  const auto reply = http(daemon.port(), "POST", "/as2", message.headers, message.body);
  CHECK(reply.status == 204);
  CHECK(reply.body.empty());
  CHECK_FALSE(reply.header("Content-Length"));  // RFC 9110 8.6

  const auto received = receiver.wait_for(1);
  REQUIRE(received.size() == 1);
  CHECK(received[0].path == "/mdn");
  CHECK(header_value(received[0].headers, "AS2-From") == "PEER_B");
  CHECK(header_value(received[0].headers, "AS2-To") == "PEER_A");
  const auto report = parse_delivered(received[0]);
  CHECK(report.signature == mdn::SignatureStatus::verified);
  CHECK(report.disposition.is_success());
  CHECK(report.original_message_id == header_value(message.headers, "Message-ID"));
  REQUIRE(report.mic);
  CHECK(report.mic->base64() == "48RHIMgOv3cxWqIhwmeZN88bHpGe/MP7YZ1f+N3qHtw=");
  REQUIRE(daemon.wait_for_log("\"name\":\"async_mdn_delivered\""));
  const auto rows = deliveries(setup, header_value(message.headers, "Message-ID"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].status == "delivered");
  CHECK(rows[0].attempts == 1);
  CHECK(std::filesystem::is_regular_file(setup.data() / "inbox" / "a" / "invoice.x12"));

  // A retry of the message (a duplicate) gets the same MDN queued again.
  CHECK(http(daemon.port(), "POST", "/as2", message.headers, message.body).status == 204);
  const auto again = receiver.wait_for(2);
  REQUIRE(again.size() == 2);
  CHECK(again[1].body == again[0].body);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("asynchronous MDN: error dispositions travel the same way") {
  MdnReceiver receiver;
  InteropSetup setup;
  setup.partner("a").set("url", "http://127.0.0.1:" + std::to_string(receiver.port()) + "/").set("require_signed", "yes");
  Daemon daemon(setup.write());
  const auto message = async_message("encrypted-only-aes128", "http://127.0.0.1:" + std::to_string(receiver.port()) + "/mdn");
  CHECK(http(daemon.port(), "POST", "/as2", message.headers, message.body).status == 204);
  const auto received = receiver.wait_for(1);
  REQUIRE(received.size() == 1);
  const auto report = parse_delivered(received[0]);
  CHECK(report.disposition.has(mdn::ModifierKind::error, "insufficient-message-security"));
  CHECK(report.signature == mdn::SignatureStatus::verified);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("asynchronous MDN: retried while the receiver is down, also across a restart of as2d") {
  const auto port = free_port();
  const auto url = "http://127.0.0.1:" + std::to_string(port) + "/mdn";
  InteropSetup setup;
  setup.station.set("async_mdn_retry", "1");
  setup.partner("a").set("async_mdn_urls", "http://127.0.0.1:" + std::to_string(port) + "/");
  const auto config = setup.write();
  const auto first = async_message("signed-sha256-aes256", url);
  const auto second = async_message("signed-sha384-aes256", url);
  {
    Daemon daemon(config);
    CHECK(http(daemon.port(), "POST", "/as2", first.headers, first.body).status == 204);
    REQUIRE(daemon.wait_for_log("\"name\":\"async_mdn_retry\"", 2));
    CHECK(daemon.events("async_mdn_retry").front().find("\"retry_in_seconds\":1") != std::string::npos);
    {
      // The receiver comes up: the next attempt delivers.
      MdnReceiver receiver(port);
      REQUIRE(receiver.wait_for(1).size() == 1);
      REQUIRE(daemon.wait_for_log("\"name\":\"async_mdn_delivered\""));
      CHECK(deliveries(setup, header_value(first.headers, "Message-ID")).front().attempts >= 3);
    }
    // Down again, a second message; as2d stops with it still queued.
    CHECK(http(daemon.port(), "POST", "/as2", second.headers, second.body).status == 204);
    CHECK(daemon.stop() == 0);
  }
  CHECK(deliveries(setup, header_value(second.headers, "Message-ID")).front().status == "pending");
  MdnReceiver receiver(port);
  Daemon restarted(config);
  const auto received = receiver.wait_for(1);
  REQUIRE(received.size() == 1);
  CHECK(parse_delivered(received[0]).original_message_id == header_value(second.headers, "Message-ID"));
  // The log file is the same as before the restart: the second delivery is the second line.
  REQUIRE(restarted.wait_for_log("\"name\":\"async_mdn_delivered\"", 2));
  CHECK(deliveries(setup, header_value(second.headers, "Message-ID")).front().status == "delivered");
  CHECK(restarted.stop() == 0);
}

TEST_CASE("asynchronous MDN: given up after async_mdn_give_up") {
  const auto port = free_port();
  InteropSetup setup;
  setup.station.set("async_mdn_retry", "1").set("async_mdn_give_up", "2");
  setup.partner("a").set("async_mdn_urls", "http://127.0.0.1:" + std::to_string(port) + "/");
  Daemon daemon(setup.write());
  const auto message = async_message("signed-sha256-aes256", "http://127.0.0.1:" + std::to_string(port) + "/mdn");
  CHECK(http(daemon.port(), "POST", "/as2", message.headers, message.body).status == 204);
  REQUIRE(daemon.wait_for_log("\"name\":\"async_mdn_given_up\""));
  const auto rows = deliveries(setup, header_value(message.headers, "Message-ID"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].status == "given_up");
  CHECK(rows[0].last_error.find("refused") != std::string::npos);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("asynchronous MDN: a Receipt-Delivery-Option outside the partner's allowance is refused") {
  InteropSetup setup;
  setup.partner("a").set("url", "https://as2.partner.example/as2");
  Daemon daemon(setup.write());
  for (const char* url : {"http://127.0.0.1:1/mdn", "https://as2.partner.example.evil.example/mdn",
                          "http://as2.partner.example/mdn"}) {
    INFO(url);
    const auto message = async_message("signed-sha256-aes256", url);
    CHECK(http(daemon.port(), "POST", "/as2", message.headers, message.body).status == 403);
  }
  CHECK(daemon.events("\"name\":\"async_mdn_refused\"").size() == 3);
  CHECK_FALSE(std::filesystem::exists(setup.data() / "inbox" / "a" / "invoice.x12"));
  CHECK(daemon.stop() == 0);
}
