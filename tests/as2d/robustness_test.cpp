// as2d against clients that misbehave: killed halfway through an upload, too large, too
// slow, the wrong method, no framing; and a stop signal while a message is on its way.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netinet/in.h>
#include <thread>

#include "as2d_fixture.h"
#include "store.h"

using namespace as2d;
using namespace as2d::test;

namespace {

// A plain, unsigned message (the interop "plain-nomdn" headers): a truncated body of this
// kind would pass every check unpack can make, so only the transport can catch it.
WireMessage plain_message(std::string body) {
  auto message = read_wire_message(interop_dir() / "messages" / "plain-nomdn.as2");
  message.body = std::move(body);
  return message;
}

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

std::size_t files_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n;
}

// Forks a client that connects, sends `bytes` and then waits to be killed; kills it with
// SIGKILL once the bytes are out, as a crashing sender would end.
void killed_client(std::uint16_t port, const std::string& bytes) {
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Only async-signal-safe calls from here on.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) ::_exit(1);
    std::size_t done = 0;
    while (done < bytes.size()) {
      const auto n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) ::_exit(2);
      done += static_cast<std::size_t>(n);
    }
    const char one = 1;
    (void)::write(ready[1], &one, 1);
    while (true) ::pause();
  }
  ::close(ready[1]);
  char one = 0;
  const auto got = ::read(ready[0], &one, 1);
  ::close(ready[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the server read what arrived
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(got == 1);
}

}  // namespace

TEST_CASE("a client killed halfway through an upload leaves no file in the inbox") {
  InteropSetup setup;
  Daemon daemon(setup.write());
  const auto body = payload::test::pseudo_random_bytes(8 << 20, 7);  // 8 MiB
  const auto message = plain_message(body);

  SECTION("Content-Length framing") {
    killed_client(daemon.port(), request_head(message.headers, "Content-Length: " + std::to_string(body.size())) +
                                     body.substr(0, body.size() / 2));
  }
  SECTION("chunked framing (POCO's decoder ends quietly at a closed connection)") {
    std::string chunks;
    for (std::size_t at = 0; at < body.size() / 2; at += 65536) chunks += chunk(body.substr(at, 65536));
    killed_client(daemon.port(), request_head(message.headers, "Transfer-Encoding: chunked") + chunks);
  }
  REQUIRE(daemon.wait_for_log("\"name\":\"body_rejected\""));
  CHECK(daemon.events("body_rejected").front().find("\"reason\":\"aborted\"") != std::string::npos);
  CHECK(files_in(setup.data() / "inbox" / "a") == 0);
  CHECK(files_in(setup.data() / "tmp") == 0);
  auto store = MessageStore::open(setup.data() / "as2d.sqlite");
  REQUIRE(store);
  CHECK_FALSE((*(*store)->find("a", "in", header_value(message.headers, "Message-ID"))).has_value());
  // The daemon is unharmed, and a complete upload of the same message goes through.
  CHECK(http(daemon.port(), "GET", "/healthz").status == 200);
  CHECK(http(daemon.port(), "POST", "/as2", message.headers, body).status == 200);
  CHECK(files_in(setup.data() / "inbox" / "a") == 1);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("bodies over max_body_size are refused with 413") {
  InteropSetup setup;
  setup.station.set("max_body_size", "4K");
  Daemon daemon(setup.write());
  const auto message = plain_message(std::string(8192, 'x'));
  CHECK(http(daemon.port(), "POST", "/as2", message.headers, message.body).status == 413);
  CHECK(http(daemon.port(), "POST", "/as2", message.headers, message.body, true).status == 413);
  CHECK(daemon.events("\"reason\":\"too_large\"").size() == 2);
  CHECK(files_in(setup.data() / "inbox" / "a") == 0);
  // 4 KiB exactly still passes.
  const auto fits = plain_message(std::string(4096, 'y'));
  CHECK(http(daemon.port(), "POST", "/as2", fits.headers, fits.body).status == 200);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("a client that trickles or stalls is cut off with 408") {
  InteropSetup setup;
  setup.station.set("body_timeout", "2").set("read_timeout", "2");
  Daemon daemon(setup.write());
  const auto message = plain_message(std::string(1000, 'x'));
  const auto head = request_head(message.headers, "Content-Length: 1000");

  SECTION("one byte every 300 ms: each read is quick, the body as a whole too slow") {
    RawConnection connection(daemon.port());
    connection.send(head);
    const auto start = std::chrono::steady_clock::now();
    std::string answer;
    for (int i = 0; i < 100 && answer.empty(); ++i) {
      if (::send(connection.fd(), "x", 1, MSG_NOSIGNAL) != 1) break;
      answer = connection.receive_all(std::chrono::milliseconds(300));
    }
    if (answer.empty()) answer = connection.receive_all(std::chrono::seconds(5));
    CHECK(answer.starts_with("HTTP/1.1 408"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  }
  SECTION("silence after a few bytes") {
    RawConnection connection(daemon.port());
    connection.send(head + "0123456789");
    CHECK(connection.receive_all(std::chrono::seconds(10)).starts_with("HTTP/1.1 408"));
  }
  CHECK(daemon.events("\"reason\":\"timeout\"").size() == 1);
  CHECK(files_in(setup.data() / "inbox" / "a") == 0);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("requests that are no AS2 upload: wrong method, no framing") {
  InteropSetup setup;
  Daemon daemon(setup.write());
  const auto get = http(daemon.port(), "GET", "/as2");
  CHECK(get.status == 405);
  CHECK(get.header("Allow") == "POST");
  RawConnection connection(daemon.port());
  connection.send(request_head(plain_message("").headers, "X-Nothing: 1"));
  CHECK(connection.receive_all(std::chrono::seconds(10)).starts_with("HTTP/1.1 411"));
  CHECK(daemon.stop() == 0);
}

TEST_CASE("SIGTERM while a message arrives: it is completed and answered, then as2d exits") {
  InteropSetup setup;
  Daemon daemon(setup.write());
  auto message = read_wire_message(interop_dir() / "messages" / "plain-mdn-unsigned.as2");
  const auto& body = message.body;
  RawConnection connection(daemon.port());
  connection.send(request_head(message.headers, "Content-Length: " + std::to_string(body.size())) +
                  body.substr(0, body.size() / 2));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  daemon.signal(SIGTERM);
  REQUIRE(daemon.wait_for_log("\"name\":\"daemon_stopping\""));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(daemon.events("daemon_stopped").empty());  // still waiting for our request
  connection.send(body.substr(body.size() / 2));
  const auto answer = connection.receive_all(std::chrono::seconds(30));
  CHECK(answer.starts_with("HTTP/1.1 200"));
  CHECK(answer.find("processed") != std::string::npos);
  CHECK(daemon.stop(SIGTERM) == 0);
  CHECK(daemon.events("daemon_stopped").size() == 1);
  CHECK(files_in(setup.data() / "inbox" / "a") == 1);
}
