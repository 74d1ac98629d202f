// as2d refusal log.
#include "refusal_log.h"

namespace as2d {

void RefusalLog::emit(Event event, const std::string& address, std::uint64_t refused, std::uint64_t limit) {
  m_audit.emit(event, {{"address", address}, {"refused", refused}, {"limit", limit}});
}

void RefusalLog::record(Event event, const std::string& address, std::uint64_t limit, Clock::time_point now) {
  auto key = std::make_pair(event, address);
  auto it = m_entries.find(key);
  if (it == m_entries.end() && m_entries.size() >= m_max_addresses) {
    key.second.assign(1, '*');  // (assigning a literal trips a false -Wrestrict in GCC 12)
    it = m_entries.find(key);
  }
  if (it != m_entries.end()) {
    ++it->second.pending;
    it->second.limit = limit;
    return;
  }
  m_entries.emplace(key, Entry{now, 0, limit});
  emit(event, key.second, 1, limit);
}

void RefusalLog::flush(Clock::time_point now) {
  for (auto it = m_entries.begin(); it != m_entries.end();) {
    auto& entry = it->second;
    if (now - entry.last_logged < m_interval) {
      ++it;
      continue;
    }
    if (entry.pending == 0) {
      it = m_entries.erase(it);
      continue;
    }
    emit(it->first.first, it->first.second, entry.pending, entry.limit);
    entry.pending = 0;
    entry.last_logged = now;
    ++it;
  }
}

void RefusalLog::flush_all() {
  for (const auto& [key, entry] : m_entries)
    if (entry.pending > 0) emit(key.first, key.second, entry.pending, entry.limit);
  m_entries.clear();
}

}  // namespace as2d
