// as2d message store: rows, duplicates, retries of failed messages, persistence.
#include <catch2/catch.hpp>

#include "as2d_fixture.h"
#include "audit.h"
#include "inbox.h"
#include "pending_files.h"
#include "store.h"

using namespace as2d;
using namespace as2d::test;

namespace {

MessageRecord row(const std::string& message_id, const std::string& status) {
  MessageRecord record;
  record.message_id = message_id;
  record.partner = "acme";
  record.received_at = "2026-11-22T00:00:00.000Z";
  record.size = 1234;
  record.algorithms = "signed=sha-256";
  record.mic = "abc=, sha-256";
  record.disposition = "automatic-action/MDN-sent-automatically; processed";
  record.mdn = std::string("MDN\r\n\r\n\0binary\xff", 16);
  record.file_path = "/inbox/a.txt";
  record.status = status;
  return record;
}

}  // namespace

TEST_CASE("store: a recorded message is found by partner and Message-ID, brackets or not") {
  TempDir dir;
  auto store = MessageStore::open(dir / "as2d.sqlite");
  REQUIRE(store);
  REQUIRE((*store)->record(row("<m1@host>", "processed")));
  auto found = (*store)->find("acme", "in", "m1@host");
  REQUIRE(found);
  REQUIRE(found->has_value());
  const auto& record = **found;
  CHECK(record.message_id == "<m1@host>");
  CHECK(record.size == 1234);
  CHECK(record.mdn == std::string("MDN\r\n\r\n\0binary\xff", 16));
  CHECK(record.status == "processed");
  CHECK(record.attempts == 1);
  CHECK_FALSE((*(*store)->find("other", "in", "<m1@host>")).has_value());
  CHECK_FALSE((*(*store)->find("acme", "out", "<m1@host>")).has_value());
  CHECK_FALSE((*(*store)->find("acme", "in", "<m2@host>")).has_value());
}

TEST_CASE("store: a failed message is replaced on retry, a processed one never") {
  TempDir dir;
  auto store = MessageStore::open(dir / "as2d.sqlite");
  REQUIRE(store);
  auto failed = row("<m@h>", "failed");
  failed.mdn.reset();
  failed.file_path.clear();
  failed.error = "decryption-failed";
  REQUIRE((*store)->record(failed));
  CHECK_FALSE((**(*store)->find("acme", "in", "<m@h>")).mdn.has_value());
  REQUIRE((*store)->record(row("<m@h>", "processed")));
  auto found = **(*store)->find("acme", "in", "<m@h>");
  CHECK(found.status == "processed");
  CHECK(found.attempts == 2);
  CHECK(found.error.empty());
  const auto again = (*store)->record(row("m@h", "failed"));
  REQUIRE_FALSE(again);
  CHECK(again.error().code() == payload::Errc::usage);
  CHECK((**(*store)->find("acme", "in", "<m@h>")).status == "processed");
}

TEST_CASE("store: rows survive reopening") {
  TempDir dir;
  {
    auto store = MessageStore::open(dir / "as2d.sqlite");
    REQUIRE(store);
    REQUIRE((*store)->record(row("<keep@h>", "processed")));
  }
  auto store = MessageStore::open(dir / "as2d.sqlite");
  REQUIRE(store);
  CHECK((*(*store)->find("acme", "in", "<keep@h>")).has_value());
  CHECK_FALSE(MessageStore::open(dir / "missing-dir" / "as2d.sqlite"));
}

TEST_CASE("store: a file linked before a crash is removed at the next start unless its message was recorded") {
  TempDir dir;
  const auto inbox = dir / "inbox";
  std::filesystem::create_directories(inbox);
  auto pending = [&](const std::string& name, const std::string& message_id) {
    auto file = InboxFile::create(inbox);
    REQUIRE(file);
    REQUIRE(file->write(std::string_view(name)));
    PendingFile entry;
    auto path = file->publish(name, [&](const std::filesystem::path& target, std::uint64_t device, std::uint64_t inode) {
      entry = PendingFile{"acme", message_id, target.string(), device, inode};
      return payload::Status{};
    });
    REQUIRE(path);
    return entry;
  };
  {
    auto store = MessageStore::open(dir / "as2d.sqlite");
    REQUIRE(store);
    // Linked, then "as2d stopped" before the row: the entry stays.
    REQUIRE((*store)->add_pending_file(pending("lost.x12", "<lost@a>")));
    // Linked and recorded: the row forgets the entry in its transaction.
    REQUIRE((*store)->add_pending_file(pending("kept.x12", "<kept@a>")));
    auto kept = row("<kept@a>", "processed");
    kept.file_path = (inbox / "kept.x12").string();
    REQUIRE((*store)->record(kept));
    // An entry whose name another file took since (ours was taken away, another inode)
    // touches nothing.
    auto foreign = pending("foreign.x12", "<foreign@a>");
    std::filesystem::rename(inbox / "foreign.x12", dir / "taken-away.x12");
    payload::test::write_file(inbox / "foreign.x12", "not ours");
    REQUIRE((*store)->add_pending_file(foreign));
    auto left = (*store)->pending_files();
    REQUIRE(left);
    CHECK(left->size() == 2);
  }
  auto store = MessageStore::open(dir / "as2d.sqlite");
  REQUIRE(store);
  auto audit = AuditLog::open(dir / "audit.log");
  REQUIRE(audit);
  auto removed = recover_pending_files(**store, **audit);
  REQUIRE(removed);
  CHECK(*removed == 1);
  CHECK(names_in(inbox) == std::set<std::string>{"foreign.x12", "kept.x12"});
  CHECK(payload::test::read_file(inbox / "foreign.x12") == "not ours");
  CHECK(payload::test::read_file(dir / "audit.log").find("\"unacknowledged_file_removed\"") != std::string::npos);
  auto left = (*store)->pending_files();
  REQUIRE(left);
  CHECK(left->empty());
}
