// as2d server state: what every request handler shares. The station part is fixed at
// start; the partner table is replaced on SIGHUP, and each request works on the table it
// took at its start (a reload never changes a message halfway).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "audit.h"
#include "config.h"
#include "in_flight.h"
#include "outbound_store.h"
#include "partners.h"
#include "station_keys.h"
#include "store.h"

namespace as2d {

class ServerState final {
public:
  ServerState(StationConfig station, StationKeys keys, AuditLog& audit, MessageStore& store,
              std::shared_ptr<const PartnerTable> partners)
      : m_station(std::move(station)), m_keys(std::move(keys)), m_audit(audit), m_store(store),
        m_partners(std::move(partners)) {}

  [[nodiscard]] const StationConfig& station() const noexcept { return m_station; }
  [[nodiscard]] const StationKeys& keys() const noexcept { return m_keys; }
  [[nodiscard]] AuditLog& audit() const noexcept { return m_audit; }
  [[nodiscard]] MessageStore& store() const noexcept { return m_store; }
  // Spool directory for request bodies: data_dir/tmp.
  [[nodiscard]] std::filesystem::path spool_dir() const { return m_station.data_dir / "tmp"; }

  [[nodiscard]] std::shared_ptr<const PartnerTable> partners() const {
    const std::lock_guard lock(m_mutex);
    return m_partners;
  }
  void set_partners(std::shared_ptr<const PartnerTable> partners) {
    const std::lock_guard lock(m_mutex);
    m_partners = std::move(partners);
  }

  // Messages being processed right now, by partner and Message-ID.
  [[nodiscard]] InFlight& in_flight() const noexcept { return m_in_flight; }

  // Tells the asynchronous MDN sender that something was queued.
  void set_mdn_waker(std::function<void()> waker) { m_mdn_waker = std::move(waker); }
  void wake_mdn_sender() const {
    if (m_mdn_waker) m_mdn_waker();
  }

  // The records of messages we sent (asynchronous MDNs are matched to them); may be null.
  void set_outbound_store(OutboundStore* store) noexcept { m_outbound = store; }
  [[nodiscard]] OutboundStore* outbound_store() const noexcept { return m_outbound; }

  [[nodiscard]] bool ready() const noexcept { return m_ready.load(); }
  void set_ready(bool ready) noexcept { m_ready.store(ready); }

private:
  const StationConfig m_station;
  const StationKeys m_keys;
  AuditLog& m_audit;
  MessageStore& m_store;
  mutable std::mutex m_mutex;
  std::shared_ptr<const PartnerTable> m_partners;
  mutable InFlight m_in_flight;
  std::function<void()> m_mdn_waker;
  OutboundStore* m_outbound = nullptr;
  std::atomic<bool> m_ready{false};
};

}  // namespace as2d
