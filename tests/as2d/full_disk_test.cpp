// as2d on a full disk (docs/reliability.md, "Faults and load"): writes that fail answer
// with an error MDN or HTTP 5xx, never "processed", leave nothing in the inbox, and as2d
// serves again once there is room. Two ways to fill the disk: a file size limit set on
// the running daemon (RLIMIT_FSIZE through prlimit: writes beyond it fail with EFBIG; works
// unprivileged), and a small tmpfs mounted as the inbox (needs the right to mount: the
// case says so and skips where it is missing).
#include <catch2/catch.hpp>

#include <sys/mount.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <payload/as2/pack.h>

#include "as2d_fixture.h"

using namespace as2d::test;
namespace as2 = payload::as2;

namespace {

struct Sent {
  std::string filename;
  std::string payload;
  as2::HttpMessage http;
};

std::vector<Sent> pack_messages(const Setup& setup, const std::string& prefix, int count, std::size_t size) {
  auto options = signed_encrypted(setup.dir.path(), "partner", "station", "PARTNER", "STATION");
  std::vector<Sent> sent;
  for (int i = 0; i < count; ++i) {
    Sent s;
    s.filename = prefix + "-" + std::to_string(i) + ".x12";
    s.payload = payload::test::pseudo_random_bytes(size, static_cast<unsigned>(i + 1));
    options.filename = s.filename;
    auto packed = as2::pack(s.payload, options);
    REQUIRE(packed);
    s.http = std::move(packed->http);
    sent.push_back(std::move(s));
  }
  return sent;
}

bool processed(const HttpReply& reply) {
  return reply.status == 200 && reply.body.find("automatic-action/MDN-sent-automatically; processed\r\n") != std::string::npos;
}

// While the disk is full: each message gets an error MDN or a 5xx, never "processed".
void expect_refused(const Daemon& daemon, const std::vector<Sent>& messages) {
  for (const auto& m : messages) {
    INFO(m.filename);
    const auto reply = http(daemon.port(), "POST", "/as2", m.http.headers, m.http.body);
    CHECK_FALSE(processed(reply));
    const bool error_mdn = reply.status == 200 && reply.body.find("; processed/error: ") != std::string::npos;
    CHECK((error_mdn || reply.status >= 500));
  }
}

// Once there is room again: the same messages (their retries) are processed, whole.
void expect_stored(const Daemon& daemon, const std::filesystem::path& inbox, const std::vector<Sent>& messages) {
  for (const auto& m : messages) {
    INFO(m.filename);
    const auto reply = http(daemon.port(), "POST", "/as2", m.http.headers, m.http.body);
    CHECK(processed(reply));
    CHECK(payload::test::read_file(inbox / m.filename) == m.payload);
  }
}

}  // namespace

TEST_CASE("a full disk (a file size limit on the daemon): error MDN or 5xx, never processed, serving again after") {
  Setup setup;
  setup.partner("acme").set("as2_id", "PARTNER").set("cert", (setup.dir / "partner.crt").string());
  Daemon daemon(setup.write());
  const auto small = pack_messages(setup, "small", 4, 1000);
  const auto large = pack_messages(setup, "large", 4, 200000);
  // Before: fine.
  const auto before = http(daemon.port(), "POST", "/as2", small[0].http.headers, small[0].http.body);
  REQUIRE(processed(before));

  // The daemon may write no file beyond 64 KiB: a 200 KB payload does not fit into its
  // inbox file, and the store's write-ahead log, already longer, cannot grow.
  // Only the soft limit: raising it again needs no privilege.
  rlimit old{};
  REQUIRE(::prlimit(daemon.pid(), RLIMIT_FSIZE, nullptr, &old) == 0);
  const rlimit full{64 * 1024, old.rlim_max};
  REQUIRE(::prlimit(daemon.pid(), RLIMIT_FSIZE, &full, nullptr) == 0);
  expect_refused(daemon, large);
  expect_refused(daemon, {small.begin() + 1, small.end()});
  // Nothing half-written and nothing of these messages in the inbox.
  CHECK(names_in(setup.data() / "inbox" / "acme") == std::set<std::string>{small[0].filename});

  // Room again: the same daemon takes the retries.
  REQUIRE(::prlimit(daemon.pid(), RLIMIT_FSIZE, &old, nullptr) == 0);
  expect_stored(daemon, setup.data() / "inbox" / "acme", large);
  expect_stored(daemon, setup.data() / "inbox" / "acme", {small.begin() + 1, small.end()});
  CHECK(names_in(setup.data() / "inbox" / "acme").size() == 8);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("a full disk (a small tmpfs as the inbox): error MDN, never processed, serving again once it has room") {
  Setup setup;
  const auto inbox = setup.dir / "small-inbox";
  std::filesystem::create_directories(inbox);
  if (::mount("tmpfs", inbox.c_str(), "tmpfs", 0, "size=256k,mode=0750") != 0) {
    WARN("skipped: mounting a tmpfs is not permitted here (" << std::strerror(errno)
                                                            << "); the file size limit case covers a full disk");
    return;
  }
  struct Unmount {
    std::filesystem::path dir;
    ~Unmount() { ::umount2(dir.c_str(), MNT_DETACH); }
  } unmount{inbox};
  setup.partner("acme").set("as2_id", "PARTNER").set("cert", (setup.dir / "partner.crt").string()).set("inbox", inbox.string());
  Daemon daemon(setup.write());
  const auto fits = pack_messages(setup, "fits", 2, 100000);
  const auto too_large = pack_messages(setup, "too-large", 3, 200000);
  expect_stored(daemon, inbox, {fits.begin(), fits.begin() + 1});
  // 100 KB of 256 KiB used: 200 KB does not fit.
  expect_refused(daemon, too_large);
  CHECK(names_in(inbox) == std::set<std::string>{fits[0].filename});
  // More room (the file system grown), and the retries are stored.
  REQUIRE(::mount("tmpfs", inbox.c_str(), "tmpfs", MS_REMOUNT, "size=2m") == 0);
  expect_stored(daemon, inbox, too_large);
  expect_stored(daemon, inbox, {fits.begin() + 1, fits.end()});
  CHECK(names_in(inbox).size() == 5);
  CHECK(daemon.stop() == 0);
}
