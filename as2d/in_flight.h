// as2d messages in flight: a second copy of a message that arrives while the first is
// still being processed (a sender retrying after its own timeout) waits for the first,
// and is then answered from the store as a duplicate instead of being processed twice.
#pragma once

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>

namespace as2d {

class InFlight final {
public:
  // Holds one key; released on destruction.
  class Guard final {
  public:
    Guard(InFlight& owner, std::string key) : m_owner(&owner), m_key(std::move(key)) {}
    Guard(Guard&& other) noexcept : m_owner(other.m_owner), m_key(std::move(other.m_key)) { other.m_owner = nullptr; }
    Guard& operator=(Guard&&) = delete;
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    ~Guard() {
      if (m_owner) m_owner->release(m_key);
    }

  private:
    InFlight* m_owner;
    std::string m_key;
  };

  // Waits until no other request holds `key`, then holds it.
  [[nodiscard]] Guard acquire(const std::string& key) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_keys.count(key); });
    m_keys.insert(key);
    return Guard(*this, key);
  }

private:
  void release(const std::string& key) {
    {
      const std::lock_guard lock(m_mutex);
      m_keys.erase(key);
    }
    m_changed.notify_all();
  }

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::set<std::string> m_keys;
};

}  // namespace as2d
