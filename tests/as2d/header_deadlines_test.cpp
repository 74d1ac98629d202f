// as2d header deadlines (as2d/header_deadlines.h): an overdue header's reading side is
// shut and the watch says so; after the server's stop (cut_all) a header read that only
// begins is cut at once, so no handler keeps the stop waiting.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "header_deadlines.h"

using as2d::HeaderDeadlines;
using namespace std::chrono_literals;

namespace {

// A connected pair of stream sockets, closed at the end.
struct SocketPair {
  int fds[2] = {-1, -1};
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0); }
  ~SocketPair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  // Whether a read on the server's side ends at once (its reading side shut).
  [[nodiscard]] bool server_reads_end() const {
    char byte = 0;
    return ::recv(fds[0], &byte, 1, MSG_DONTWAIT) == 0;
  }
};

}  // namespace

TEST_CASE("header deadlines cut overdue headers only and every header begun after cut_all") {
  HeaderDeadlines deadlines(2s);
  SocketPair early, second, late;
  {
    HeaderDeadlines::Watch watch(deadlines, early.fds[0], "127.0.0.2");
    HeaderDeadlines::Watch other(deadlines, second.fds[0], "127.0.0.3");
    CHECK(deadlines.expire(HeaderDeadlines::Clock::now() + 1s).empty());  // not overdue yet
    CHECK_FALSE(watch.was_cut());
    CHECK_FALSE(early.server_reads_end());
    const auto cut = deadlines.expire(HeaderDeadlines::Clock::now() + 3s);
    CHECK(cut.size() == 2);
    CHECK(watch.was_cut());
    CHECK(early.server_reads_end());
    CHECK(second.server_reads_end());
    CHECK(deadlines.expire(HeaderDeadlines::Clock::now() + 4s).empty());  // cut once
  }
  deadlines.cut_all();
  HeaderDeadlines::Watch after_stop(deadlines, late.fds[0], "127.0.0.4");
  CHECK(after_stop.was_cut());
  CHECK(late.server_reads_end());
}
