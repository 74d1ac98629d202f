// as2d header deadlines.
#include "header_deadlines.h"

#include <sys/socket.h>

namespace as2d {

HeaderDeadlines::Watch::Watch(HeaderDeadlines& owner, int fd, const std::string& address) : m_owner(owner), m_fd(fd) {
  const std::lock_guard lock(owner.m_mutex);
  owner.m_reading[fd] = Entry{Clock::now() + owner.m_limit, address, owner.m_all_cut};
  if (owner.m_all_cut) ::shutdown(fd, SHUT_RD);
}

void HeaderDeadlines::cut_all() {
  const std::lock_guard lock(m_mutex);
  m_all_cut = true;  // under the same lock as the cut: no watch begins in between
  (void)expire_locked(Clock::time_point::max());
}

HeaderDeadlines::Watch::~Watch() {
  const std::lock_guard lock(m_owner.m_mutex);
  m_owner.m_reading.erase(m_fd);
}

bool HeaderDeadlines::Watch::was_cut() const {
  const std::lock_guard lock(m_owner.m_mutex);
  const auto it = m_owner.m_reading.find(m_fd);
  return it != m_owner.m_reading.end() && it->second.cut;
}

std::vector<std::string> HeaderDeadlines::expire(Clock::time_point now) {
  const std::lock_guard lock(m_mutex);
  return expire_locked(now);
}

std::vector<std::string> HeaderDeadlines::expire_locked(Clock::time_point now) {
  std::vector<std::string> cut;
  for (auto& [fd, entry] : m_reading) {
    if (entry.cut || entry.deadline > now) continue;
    // Under the lock: the handler cannot unregister, so `fd` is still its connection.
    ::shutdown(fd, SHUT_RD);
    entry.cut = true;
    cut.push_back(entry.address);
  }
  return cut;
}

}  // namespace as2d
