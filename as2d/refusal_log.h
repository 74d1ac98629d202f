// as2d refusal log: the audit events of connections the gate refuses or closes for a limit,
// rate-limited so that an attack cannot flood the log. The first refusal of an address is
// logged at once; later ones are counted and logged as one line (`refused`: how many since
// the last line) when `interval` has passed. At most `max_addresses` (event, address) pairs
// are followed at once; refusals of further ones are counted under the address "*".
//
// Used by the gate's thread only: no locking.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "audit.h"

namespace as2d {

class RefusalLog final {
public:
  using Clock = std::chrono::steady_clock;
  // `limit`: the configured limit that was reached, logged with each line.
  RefusalLog(AuditLog& audit, std::chrono::seconds interval = std::chrono::seconds(10), std::size_t max_addresses = 1000)
      : m_audit(audit), m_interval(interval), m_max_addresses(max_addresses) {}

  void record(Event event, const std::string& address, std::uint64_t limit, Clock::time_point now = Clock::now());
  // Logs the counts whose interval has passed and forgets quiet addresses.
  void flush(Clock::time_point now = Clock::now());
  // Logs every count still pending (the gate stops).
  void flush_all();

private:
  struct Entry {
    Clock::time_point last_logged;
    std::uint64_t pending = 0;
    std::uint64_t limit = 0;
  };
  void emit(Event event, const std::string& address, std::uint64_t refused, std::uint64_t limit);

  AuditLog& m_audit;
  std::chrono::seconds m_interval;
  std::size_t m_max_addresses;
  std::map<std::pair<Event, std::string>, Entry> m_entries;
};

}  // namespace as2d
