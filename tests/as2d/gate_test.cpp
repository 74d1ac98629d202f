// as2d's connection gate (as2d/connection_gate.h): idle sockets wait without a handler
// thread, so a flood of them from many addresses, and keep-alive connections between
// requests, leave the handlers to the partners that send; the limits close what is over
// them, with rate-limited audit events; idle sockets are closed after idle_timeout; a
// client that stalls inside a request still holds its handler only until read_timeout.
#include <catch2/catch.hpp>

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <payload/as2/pack.h>

#include "as2d_fixture.h"

using namespace as2d::test;
namespace as2 = payload::as2;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

const std::string healthz = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// One answer read with `receive` (bytes into the buffer, 0 or less at the end): the header
// and Content-Length bytes of body. "" when the connection ends first.
std::string read_answer(const std::function<int(char*, int)>& receive) {
  std::string answer;
  char buffer[4096];
  while (true) {
    const auto end = answer.find("\r\n\r\n");
    if (end != std::string::npos) {
      const auto at = answer.find("Content-Length: ");
      const std::size_t length = at == std::string::npos ? 0 : std::stoul(answer.substr(at + 16));
      if (answer.size() >= end + 4 + length) return answer;
    }
    const int n = receive(buffer, sizeof buffer);
    if (n <= 0) return "";
    answer.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string read_answer(const RawConnection& connection, std::chrono::milliseconds timeout = 10s) {
  return read_answer([&](char* buffer, int size) {
    pollfd p{connection.fd(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return -1;
    return static_cast<int>(::recv(connection.fd(), buffer, static_cast<std::size_t>(size), 0));
  });
}

// Whether the server closes (or resets) the connection within `timeout`; what it sends
// before is added to `received` when given.
bool closed_within(const RawConnection& connection, std::chrono::milliseconds timeout, std::string* received = nullptr) {
  const auto deadline = Clock::now() + timeout;
  char buffer[4096];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{connection.fd(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    const auto n = ::recv(connection.fd(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (n <= 0) return true;
    if (received != nullptr) received->append(buffer, static_cast<std::size_t>(n));
  }
}

// The sum of the "refused" counts of the log lines holding `needle`.
std::uint64_t refused_in(const std::vector<std::string>& lines) {
  std::uint64_t sum = 0;
  for (const auto& line : lines) {
    const auto at = line.find("\"refused\":");
    if (at != std::string::npos) sum += std::stoull(line.substr(at + 10));
  }
  return sum;
}

std::string loopback(int host) { return "127.0.0." + std::to_string(host); }

}  // namespace

TEST_CASE("2000 idle connections from 49 addresses take no handler: partners are served, refusals are audited") {
  Setup setup;
  // Four handlers: before the gate, four idle sockets held them all until read_timeout.
  setup.station.set("max_connections", "4")
      .set("max_connections_per_address", "40")
      .set("max_idle_connections", "1500")
      .set("idle_timeout", "60")
      .set("read_timeout", "30");
  setup.partner("acme").set("as2_id", "PARTNER").set("cert", (setup.dir / "partner.crt").string());
  Daemon daemon(setup.write());
  const auto port = daemon.port();
  const auto messages = distinct_messages(signed_encrypted(setup.dir.path(), "partner", "station", "PARTNER", "STATION"), 20);

  // 40 from each of 127.0.0.2 to 127.0.0.50 (1960, 460 over the idle cap: the oldest are
  // closed), then 40 more from 127.0.0.50 (whose 40 are the newest, all still open), over
  // its share: closed at once.
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int host = 2; host <= 50; ++host)
    for (int i = 0; i < 40; ++i) idle.push_back(std::make_unique<RawConnection>(port, loopback(host).c_str()));
  for (int i = 0; i < 40; ++i) idle.push_back(std::make_unique<RawConnection>(port, loopback(50).c_str()));
  // Keep-alive connections that were answered once and now wait for nothing: with POCO's
  // own connection loop each held a handler for the keep-alive timeout.
  std::vector<std::unique_ptr<RawConnection>> kept;
  for (int i = 0; i < 8; ++i) {
    kept.push_back(std::make_unique<RawConnection>(port, loopback(51).c_str()));
    kept.back()->send(healthz);
    CHECK(read_answer(*kept.back()).starts_with("HTTP/1.1 200"));
  }

  const auto start = Clock::now();
  int processed = 0;
  for (const auto& message : messages) {
    const auto reply = http(port, "POST", "/as2", message.headers, message.body);
    if (reply.status == 200 && reply.body.find("; processed\r\n") != std::string::npos) ++processed;
  }
  const auto seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("gate: 20 messages during 2000 idle connections in %.2f s\n", seconds);
  CHECK(processed == 20);
  CHECK(seconds < 20);  // generous: it is about a second; before the gate, read_timeout (30 s) per handler

  // The kept connections are served again on the same connection.
  for (const auto& connection : kept) {
    connection->send(healthz);
    CHECK(read_answer(*connection).starts_with("HTTP/1.1 200"));
  }
  // The oldest idle sockets were closed to make room, the newest still wait; the ones over
  // 127.0.0.50's share were closed at once.
  CHECK(closed_within(*idle.front(), 1s));
  CHECK_FALSE(closed_within(*idle[1959], 200ms));
  CHECK(closed_within(*idle[1960], 1s));
  CHECK(closed_within(*idle.back(), 1s));

  // SIGTERM with 1500 connections waiting: they are closed, the daemon exits at once.
  const auto stopping = Clock::now();
  CHECK(daemon.stop() == 0);  // also logs the counts not yet logged
  CHECK(Clock::now() - stopping < 5s);
  CHECK(closed_within(*idle[1959], 1s));
  const auto by_address = daemon.events("\"name\":\"address_limit_reached\"");
  REQUIRE_FALSE(by_address.empty());
  CHECK(by_address.front().find("\"address\":\"127.0.0.50\"") != std::string::npos);
  CHECK(by_address.front().find("\"limit\":40") != std::string::npos);
  CHECK(refused_in(by_address) == 40);
  // Rate-limited: one line at the first refusal, one with the count of the rest.
  CHECK(by_address.size() <= 2);
  const auto idle_closed = daemon.events("\"name\":\"idle_limit_reached\"");
  REQUIRE_FALSE(idle_closed.empty());
  const auto closed_for_room = refused_in(idle_closed);
  CHECK(closed_for_room >= 460);
  CHECK(closed_for_room <= 500);  // 460, and one more for some of the partner's and kept connections
  CHECK(idle_closed.size() <= 2 * 50);
  CHECK(names_in(setup.data() / "inbox" / "acme").size() == 20);
}

TEST_CASE("connections that send nothing are closed after idle_timeout, keep-alive ones too") {
  InteropSetup setup;
  setup.station.set("idle_timeout", "2");
  Daemon daemon(setup.write());
  RawConnection silent(daemon.port());
  RawConnection kept(daemon.port());
  kept.send(healthz);
  REQUIRE(read_answer(kept).starts_with("HTTP/1.1 200"));
  const auto start = Clock::now();
  CHECK_FALSE(closed_within(silent, 1s));
  CHECK(closed_within(silent, 4s));
  CHECK(closed_within(kept, 2s));
  const auto waited = Clock::now() - start;
  CHECK(waited > 800ms);
  CHECK(waited < 6s);
  // Closing idle ones is no refusal: nothing is logged for it.
  CHECK(daemon.events("idle_limit_reached").empty());
  CHECK(http(daemon.port(), "GET", "/healthz").status == 200);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("a client that stalls or trickles inside a request holds its handler only until read_timeout or body_timeout") {
  InteropSetup setup;
  setup.station.set("read_timeout", "2").set("body_timeout", "3").set("max_connections", "2");
  Daemon daemon(setup.write());
  // Idle sockets beside them change nothing.
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 200; ++i) idle.push_back(std::make_unique<RawConnection>(daemon.port(), loopback(2 + i % 10).c_str()));

  SECTION("a header that stops, a body that trickles") {
    RawConnection stalled(daemon.port());
    stalled.send("POST /as2 HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // the header never ends
    RawConnection trickling(daemon.port());
    trickling.send(request_head({{"AS2-From", "PEER_A"}, {"AS2-To", "PEER_B"}, {"AS2-Version", "1.2"},
                                 {"Message-ID", "<trickle@a>"}, {"Content-Type", "application/edi-x12"}},
                                "Content-Length: 1000"));
    const auto start = Clock::now();
    std::string answer;
    for (int i = 0; i < 40 && answer.empty(); ++i) {
      if (::send(trickling.fd(), "x", 1, MSG_NOSIGNAL) != 1) break;
      answer = trickling.receive_all(250ms);
    }
    CHECK(answer.starts_with("HTTP/1.1 408"));
    CHECK(Clock::now() - start < 8s);
    // Closed at read_timeout: by POCO's limit on one read (without an answer) or by the
    // header deadline, whichever comes first (both are read_timeout here), never answered
    // as a request. The deadline's 408 is checked below, where each read is quick.
    std::string stalled_answer;
    CHECK(closed_within(stalled, 5s, &stalled_answer));
    INFO(stalled_answer);
    CHECK((stalled_answer.empty() || stalled_answer.starts_with("HTTP/1.1 408")));
    CHECK(Clock::now() - start < 8s);
    CHECK(Clock::now() - start > 1500ms);
  }
  SECTION("header bytes that trickle: each read is quick, the header as a whole too slow") {
    // Both handlers taken by header tricklers: before the header deadline they held them
    // for as long as they kept sending.
    std::vector<std::unique_ptr<RawConnection>> trickling;
    for (int i = 0; i < 2; ++i) {
      trickling.push_back(std::make_unique<RawConnection>(daemon.port(), loopback(60 + i).c_str()));
      trickling.back()->send("P");
    }
    const std::string rest = "OST /as2 HTTP/1.1\r\nX-Slow: " + std::string(100, 'a');
    const auto start = Clock::now();
    bool cut = false;
    std::string answer;
    for (std::size_t i = 0; i < rest.size() && !cut; ++i) {
      for (const auto& connection : trickling)
        if (::send(connection->fd(), rest.data() + i, 1, MSG_NOSIGNAL) != 1) cut = true;
      cut = cut || closed_within(*trickling.front(), 300ms, &answer);
    }
    const auto took = Clock::now() - start;
    CHECK(cut);
    INFO(answer);
    CHECK(answer.starts_with("HTTP/1.1 400"));  // cut inside its request line (a byte per 300 ms): not a request
    CHECK(took > 1500ms);
    CHECK(took < 6s);
    CHECK(closed_within(*trickling.back(), 2s));
    CHECK(daemon.wait_for_log("\"name\":\"header_timeout\"", 1, 5s));
  }
  SECTION("header lines that trickle: a header cut between two lines is answered 408, not taken for a whole one") {
    // POCO takes the end of the stream after a header line for the end of the header: the
    // AS2 handler used to get the request and answer it (411, no Content-Length).
    RawConnection trickling(daemon.port(), loopback(62).c_str());
    trickling.send("POST /as2 HTTP/1.1\r\n");
    const auto start = Clock::now();
    bool cut = false;
    std::string answer;
    for (int i = 0; i < 40 && !cut; ++i) {
      const auto line = "X-Slow-" + std::to_string(i) + ": a\r\n";
      cut = ::send(trickling.fd(), line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size()) ||
            closed_within(trickling, 300ms, &answer);
    }
    CHECK(cut);
    INFO(answer);
    CHECK(answer.starts_with("HTTP/1.1 408"));
    CHECK(Clock::now() - start > 1500ms);
    CHECK(Clock::now() - start < 6s);
  }
  // Both handlers are free again.
  CHECK(http(daemon.port(), "GET", "/healthz").status == 200);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("HTTPS behind the gate: idle sockets wait, a keep-alive TLS connection is served again after waiting") {
  InteropSetup setup;
  make_tls_identity(setup.dir.path(), "tls");
  setup.station.set("tls", "on")
      .set("tls_cert", (setup.dir / "tls.crt").string())
      .set("tls_key", (setup.dir / "tls.key").string())
      .set("max_connections", "2");
  Daemon daemon(setup.write());
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 300; ++i) idle.push_back(std::make_unique<RawConnection>(daemon.port(), loopback(2 + i % 10).c_str()));

  Poco::Net::Context::Params params;
  params.caLocation = (setup.dir / "tls.crt").string();
  params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
  params.loadDefaultCAs = false;
  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  Poco::Net::SecureStreamSocket tls(Poco::Net::SocketAddress("127.0.0.1", daemon.port()), "127.0.0.1", context);
  tls.setReceiveTimeout(Poco::Timespan(10, 0));
  auto receive = [&](char* buffer, int size) { return tls.receiveBytes(buffer, size); };
  for (int i = 0; i < 3; ++i) {
    INFO(i);
    tls.sendBytes(healthz.data(), static_cast<int>(healthz.size()));
    CHECK(read_answer(receive).starts_with("HTTP/1.1 200"));
    std::this_thread::sleep_for(300ms);  // back in the gate
  }
  const auto message = read_wire_message(interop_dir() / "messages" / "signed-sha256-aes256.as2");
  CHECK(https(daemon.port(), setup.dir / "tls.crt", "POST", "/as2", message.headers, message.body).status == 200);
  CHECK(daemon.events("connection_error").empty());
  CHECK(daemon.stop() == 0);
}

TEST_CASE("out of file descriptors: the connection that waited longest makes room, the gate keeps accepting") {
  InteropSetup setup;
  Daemon daemon(setup.write());
#if defined(__SANITIZE_ADDRESS__)
  // UBSan checks a vptr it has not seen by writing the memory into a pipe: a process out
  // of descriptors cannot make one, and the check fails on a valid object. Under the
  // sanitizers this case would test them, not as2d.
  WARN("skipped under the sanitizers: they need file descriptors of their own");
  return;
#endif
  // Lower the running daemon's descriptor limit below what the idle sockets take (the
  // gate sized its idle cap for the limit at start): accept() then fails with EMFILE.
  rlimit old{};
  REQUIRE(::prlimit(daemon.pid(), RLIMIT_NOFILE, nullptr, &old) == 0);
  const rlimit low{200, old.rlim_max};
  REQUIRE(::prlimit(daemon.pid(), RLIMIT_NOFILE, &low, nullptr) == 0);
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 400; ++i) idle.push_back(std::make_unique<RawConnection>(daemon.port(), loopback(2 + i % 20).c_str()));
  const auto start = Clock::now();
  CHECK(http(daemon.port(), "GET", "/healthz").status == 200);
  CHECK(Clock::now() - start < 10s);
  CHECK(closed_within(*idle.front(), 2s));
  CHECK_FALSE(closed_within(*idle.back(), 200ms));
  REQUIRE(::prlimit(daemon.pid(), RLIMIT_NOFILE, &old, nullptr) == 0);
  const auto message = read_wire_message(interop_dir() / "messages" / "signed-sha256-aes256.as2");
  CHECK(http(daemon.port(), "POST", "/as2", message.headers, message.body).status == 200);
  CHECK(daemon.stop() == 0);
  CHECK_FALSE(daemon.events("\"name\":\"idle_limit_reached\"").empty());
}

TEST_CASE("requests sent back to back on one connection are all answered, without waiting in the gate") {
  InteropSetup setup;
  setup.station.set("max_connections", "1");
  Daemon daemon(setup.write());
  RawConnection connection(daemon.port());
  // Three requests in one write: the second and third are already in POCO's buffer when
  // the first is answered, and the socket has nothing more to report.
  connection.send(healthz + healthz + healthz);
  std::string answers;
  const auto deadline = Clock::now() + 10s;
  auto count = [&] {
    std::size_t n = 0;
    for (auto at = answers.find("HTTP/1.1 200"); at != std::string::npos; at = answers.find("HTTP/1.1 200", at + 1)) ++n;
    return n;
  };
  while (count() < 3 && Clock::now() < deadline) answers += connection.receive_all(100ms);
  CHECK(count() == 3);
  // Then it waits in the gate, and its next request is served as well.
  std::this_thread::sleep_for(200ms);
  connection.send(healthz);
  CHECK(read_answer(connection, 5s).starts_with("HTTP/1.1 200"));
  CHECK(daemon.stop() == 0);
}

TEST_CASE("SIGTERM does not wait for a client that is still sending its request header") {
  InteropSetup setup;
  setup.station.set("read_timeout", "30");
  Daemon daemon(setup.write());
  RawConnection slow(daemon.port());
  slow.send("POST /as2 HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // a handler now waits for the rest
  std::this_thread::sleep_for(300ms);
  const auto start = Clock::now();
  CHECK(daemon.stop() == 0);
  CHECK(Clock::now() - start < 5s);  // not read_timeout
  CHECK(closed_within(slow, 1s));
}

TEST_CASE("slow requests from one address hold at most max_handlers_per_address handlers, so other addresses are served") {
  InteropSetup setup;
  // Four handlers, three of them for one address at most (the default three quarters); a
  // header may take 20 s.
  setup.station.set("read_timeout", "20").set("max_connections", "4");
  Daemon daemon(setup.write());
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 6; ++i) {
    stalled.push_back(std::make_unique<RawConnection>(daemon.port(), loopback(5).c_str()));
    stalled.back()->send("POST /as2 HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // the header never ends
  }
  std::this_thread::sleep_for(500ms);  // the stalled ones reach their handlers
  const auto start = Clock::now();
  RawConnection partner(daemon.port(), loopback(6).c_str());
  partner.send(healthz);
  const auto answer = read_answer(partner, 5s);
  CHECK(answer.starts_with("HTTP/1.1 200"));
  CHECK(Clock::now() - start < 3s);  // without the share: all four handlers held for 20 s
  stalled.clear();
  CHECK(daemon.stop() == 0);
}
