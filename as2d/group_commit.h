// as2d group commit: concurrent requests share one expensive durability step (an fsync,
// an SQLite commit) instead of paying one each (issue 4: "concurrent messages must share
// their syncs").
//
// A caller submits its item and waits. Items that arrive while a commit runs are
// collected into the next round; when the running commit ends, one of their callers
// leads the next round and commits all of its items at once. Each caller gets the result
// for its own item from a commit that began after it submitted, so everything the caller
// did before submit() (a rename, a row not yet committed) is covered by that commit:
// a success really means durable, and no caller ever answers before its commit ended.
// With one caller at a time this is one commit per item, as without grouping.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <payload/core/error.h>

namespace as2d {

template <typename Item>
class GroupCommit final {
public:
  // Commits one round: sets results[i] for items[i] (all success on entry); a throw
  // fails the whole round.
  using CommitFn = std::function<void(const std::vector<Item*>& items, std::vector<payload::Status>& results)>;

  explicit GroupCommit(CommitFn commit) : m_commit(std::move(commit)) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Blocks until a commit that began after this call has committed `item`.
  [[nodiscard]] payload::Status submit(Item& item) {
    std::unique_lock lock(m_mutex);
    if (!m_next) m_next = std::make_shared<Round>();
    const auto round = m_next;
    const auto index = round->items.size();
    round->items.push_back(&item);
    while (!round->done) {
      // A round that has not begun is always m_next; nobody runs: this caller leads it.
      if (!m_running && m_next == round) {
        m_running = true;
        m_next.reset();  // later callers start the round after this one
        lock.unlock();
        run(*round);
        lock.lock();
        round->done = true;
        m_running = false;
        ++m_rounds;
        // Wake only whom this concerns: the callers of this round (their answer is
        // ready) and one caller of the round that formed meanwhile (it leads it). The
        // others of that round sleep on until it is done: waking every waiter at every
        // commit costs a context switch and a fight for the mutex each.
        const auto next = m_next;
        lock.unlock();
        round->finished.notify_all();
        if (next) next->finished.notify_one();
        lock.lock();
      } else {
        round->finished.wait(lock);
      }
    }
    return round->results[index];
  }

  // Items waiting for the next round (not begun yet).
  [[nodiscard]] std::size_t pending() const {
    const std::lock_guard lock(m_mutex);
    return m_next ? m_next->items.size() : 0;
  }

  // How many rounds were committed (how many syncs the items shared).
  [[nodiscard]] std::size_t rounds() const {
    const std::lock_guard lock(m_mutex);
    return m_rounds;
  }

private:
  struct Round {
    std::vector<Item*> items;
    std::vector<payload::Status> results;
    bool done = false;
    std::condition_variable finished;  // done, or this round may be led now
  };

  void run(Round& round) noexcept {
    round.results.assign(round.items.size(), payload::Status{});
    try {
      m_commit(round.items, round.results);
    } catch (const std::exception& e) {
      round.results.assign(round.items.size(), payload::fail(payload::Errc::internal, e.what()));
    } catch (...) {
      round.results.assign(round.items.size(), payload::fail(payload::Errc::internal, "commit failed"));
    }
  }

  CommitFn m_commit;
  mutable std::mutex m_mutex;
  std::shared_ptr<Round> m_next;  // the round new items join; not begun
  bool m_running = false;
  std::size_t m_rounds = 0;
};

}  // namespace as2d
