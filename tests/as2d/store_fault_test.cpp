// as2d's store when another process holds its database (docs/reliability.md, "Faults and
// load"): a write lock held elsewhere makes a message wait for busy_timeout (10 s) and then
// get HTTP 500 with a log line that says the database is locked, nothing stored; an
// exclusive lock at start is one line on stderr and exit 73; once the lock is gone the
// retry is processed. A database file as2d cannot write (read-only for its user, on a
// read-only mount, immutable) is one line and exit 73 at start: SQLite would open it
// read-only and, in WAL mode, fail only at checkpoints.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <unistd.h>

#include "as2d_fixture.h"

using namespace as2d::test;

namespace {

// A connection of the test's own that holds a lock on the database until destroyed.
class LockHolder final {
public:
  LockHolder(const std::filesystem::path& file, const char* sql) {
    REQUIRE(sqlite3_open(file.c_str(), &m_db) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &error);
    INFO((error ? error : ""));
    sqlite3_free(error);
    REQUIRE(rc == SQLITE_OK);
  }
  ~LockHolder() { sqlite3_close(m_db); }  // rolls back and releases the lock
  LockHolder(const LockHolder&) = delete;
  LockHolder& operator=(const LockHolder&) = delete;

private:
  sqlite3* m_db = nullptr;
};

}  // namespace

TEST_CASE("the store locked by another process: 500 with a clear log line, nothing stored, the retry processed after") {
  Setup setup;
  setup.partner("acme").set("as2_id", "PARTNER").set("cert", (setup.dir / "partner.crt").string());
  auto options = signed_encrypted(setup.dir.path(), "partner", "station", "PARTNER", "STATION");
  options.filename = "locked.x12";
  auto message = payload::as2::pack("ISA*locked~", options);
  REQUIRE(message);
  const auto& request = message->http;
  const auto database = setup.data() / "as2d.sqlite";

  SECTION("a write lock held while a message arrives") {
    Daemon daemon(setup.write());
    {
      LockHolder lock(database, "BEGIN IMMEDIATE; INSERT INTO inbox_pending VALUES ('x', 'x', 'x', 0, 0)");
      const auto reply = http(daemon.port(), "POST", "/as2", request.headers, request.body);
      CHECK(reply.status == 500);
      CHECK(reply.body.find("please retry") != std::string::npos);
      const auto failed = daemon.events("\"name\":\"store_failed\"");
      REQUIRE(failed.size() == 1);
      CHECK(failed[0].find("database is locked") != std::string::npos);
      CHECK(names_in(setup.data() / "inbox" / "acme").empty());
    }
    const auto retry = http(daemon.port(), "POST", "/as2", request.headers, request.body);
    CHECK(retry.status == 200);
    CHECK(retry.body.find("; processed\r\n") != std::string::npos);
    CHECK(names_in(setup.data() / "inbox" / "acme") == std::set<std::string>{"locked.x12"});
    CHECK(daemon.stop() == 0);
  }
  SECTION("an exclusive lock when as2d starts") {
    { Daemon first(setup.write("first.ini")); }  // creates the database
    LockHolder lock(database, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE");
    const auto result = run_as2d({"--config", setup.write().string()});
    CHECK(result.exit_code == 73);
    INFO(result.err);
    CHECK(result.err.find("\"startup_failed\"") != std::string::npos);
    CHECK(result.err.find("database is locked") != std::string::npos);
  }
}

TEST_CASE("a store database as2d cannot write stops the start with one clear line") {
  Setup setup;
  setup.partner("acme").set("as2_id", "PARTNER").set("cert", (setup.dir / "partner.crt").string());
  { Daemon first(setup.write("first.ini")); }  // creates the database
  const auto database = setup.data() / "as2d.sqlite";
  // Root writes files whatever their mode: the immutable attribute stops it too (ext4,
  // CAP_LINUX_IMMUTABLE); otherwise the mode does.
  bool immutable = false;
  if (::geteuid() == 0) {
    const int fd = ::open(database.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    int flags = 0;
    if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
      flags |= FS_IMMUTABLE_FL;
      immutable = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    ::close(fd);
    if (!immutable) {
      WARN("skipped: running as root where the immutable attribute cannot be set");
      return;
    }
  } else {
    std::filesystem::permissions(database, std::filesystem::perms::owner_read);
  }
  const auto result = run_as2d({"--config", setup.write().string()});
  if (immutable) {
    const int fd = ::open(database.c_str(), O_RDONLY | O_CLOEXEC);
    int flags = 0;
    ::ioctl(fd, FS_IOC_GETFLAGS, &flags);
    flags &= ~FS_IMMUTABLE_FL;
    ::ioctl(fd, FS_IOC_SETFLAGS, &flags);
    ::close(fd);
  }
  INFO(result.err);
  CHECK(result.exit_code == 73);
  CHECK(result.err.find(database.string() + ": cannot be written") != std::string::npos);
}
