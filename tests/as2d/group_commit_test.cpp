// as2d group commit: items that arrive while a commit runs share the next one, and each
// caller gets its own item's result from a commit that began after it submitted.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "as2d_fixture.h"
#include "group_commit.h"
#include "store.h"

using namespace as2d;
using namespace as2d::test;

namespace {

// Waits (bounded) until `done` holds.
template <typename Predicate>
bool eventually(Predicate done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace

TEST_CASE("group commit: what arrives during a commit shares the next one, each with its own result") {
  constexpr int late = 8;
  std::vector<std::vector<int>> rounds;  // the items each commit saw
  std::atomic<bool> first_started{false}, release_first{false};
  GroupCommit<const int> group([&](const std::vector<const int*>& items, std::vector<payload::Status>& results) {
    std::vector<int> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
      seen.push_back(*items[i]);
      if (*items[i] % 2 == 1) results[i] = payload::fail(payload::Errc::io, "odd " + std::to_string(*items[i]));
    }
    rounds.push_back(seen);
    // The first commit lasts until every late item is waiting for the next one.
    if (rounds.size() == 1) {
      first_started = true;
      while (!release_first.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });

  const int first = 100;
  payload::Status first_result;
  std::thread leader([&] { first_result = group.submit(first); });
  REQUIRE(eventually([&] { return first_started.load(); }));

  std::vector<int> values(late);
  std::vector<payload::Status> results(late);
  std::vector<std::thread> threads;
  for (int i = 0; i < late; ++i) {
    values[i] = i;
    threads.emplace_back([&, i] { results[i] = group.submit(values[i]); });
  }
  REQUIRE(eventually([&] { return group.pending() == late; }));
  release_first = true;
  leader.join();
  for (auto& thread : threads) thread.join();

  CHECK(first_result.has_value());
  REQUIRE(rounds.size() == 2);
  CHECK(group.rounds() == 2);
  CHECK(rounds[0] == std::vector<int>{first});
  CHECK(rounds[1].size() == late);
  for (int i = 0; i < late; ++i) {
    INFO("item " << i);
    CHECK(results[i].has_value() == (i % 2 == 0));
    if (!results[i]) CHECK(results[i].error().message() == "odd " + std::to_string(i));
  }
}

TEST_CASE("group commit: a commit that throws fails its whole round, the next one runs") {
  int calls = 0;
  GroupCommit<const int> group([&](const std::vector<const int*>&, std::vector<payload::Status>&) {
    if (++calls == 1) throw std::runtime_error("disk on fire");
  });
  const int item = 1;
  const auto failed = group.submit(item);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code() == payload::Errc::internal);
  CHECK(failed.error().message() == "disk on fire");
  CHECK(group.submit(item).has_value());
  CHECK(group.rounds() == 2);
}

TEST_CASE("store: rows recorded from many threads at once are all committed, each with its own answer") {
  TempDir dir;
  auto opened = MessageStore::open(dir / "as2d.sqlite");
  REQUIRE(opened);
  auto& store = **opened;
  constexpr int writers = 16;
  constexpr int per_writer = 20;
  // Every fifth Message-ID is recorded as processed beforehand: recording it again must
  // fail for that row alone (Errc::usage), not for the rows committed with it.
  auto message_id = [](int writer, int n) { return "<" + std::to_string(writer) + "." + std::to_string(n) + "@load>"; };
  auto make_row = [&](int writer, int n) {
    MessageRecord row;
    row.message_id = message_id(writer, n);
    row.partner = "acme";
    row.received_at = "2026-11-22T00:00:00.000Z";
    row.status = std::string(status_processed);
    row.mdn = "MDN " + row.message_id;
    return row;
  };
  for (int w = 0; w < writers; ++w)
    for (int n = 0; n < per_writer; n += 5) REQUIRE(store.record(make_row(w, n)));
  const auto commits_before = store.record_commits();

  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int n = 0; n < per_writer; ++n) {
        const auto recorded = store.record(make_row(w, n));
        const bool taken = n % 5 == 0;
        if (taken ? (recorded || recorded.error().code() != payload::Errc::usage) : !recorded) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong.load() == 0);
  const auto commits = store.record_commits() - commits_before;
  CHECK(commits >= 1);
  CHECK(commits <= static_cast<std::size_t>(writers * per_writer));

  // Everything is there after reopening: committed, not just written.
  opened->reset();
  auto reopened = MessageStore::open(dir / "as2d.sqlite");
  REQUIRE(reopened);
  int missing = 0;
  for (int w = 0; w < writers; ++w) {
    for (int n = 0; n < per_writer; ++n) {
      auto found = (*reopened)->find("acme", "in", message_id(w, n));
      if (!found || !found->has_value() || (*found)->mdn != "MDN " + message_id(w, n)) ++missing;
      else if ((*found)->attempts != 1) ++missing;
    }
  }
  CHECK(missing == 0);
}
