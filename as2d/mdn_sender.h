// as2d asynchronous MDN delivery (RFC 4130 7.3, i05 8.2): a worker thread POSTs the MDNs
// queued in the store (mdn_queue) to their Receipt-Delivery-Option URLs, on a new
// connection, AS2-From/AS2-To swapped (the MDN's own headers). Any 2xx is delivered; a
// failure is retried with a doubling delay (async_mdn_retry, at most an hour apart) until
// async_mdn_give_up after the first attempt. The queue lives in SQLite, so deliveries
// survive a restart.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "audit.h"
#include "config.h"
#include "partners.h"
#include "store.h"

namespace as2d {

class MdnSender final {
public:
  using PartnersFn = std::function<std::shared_ptr<const PartnerTable>()>;

  MdnSender(MessageStore& store, AuditLog& audit, const StationConfig& station, PartnersFn partners)
      : m_store(store), m_audit(audit), m_station(station), m_partners(std::move(partners)) {}
  ~MdnSender();
  MdnSender(const MdnSender&) = delete;
  MdnSender& operator=(const MdnSender&) = delete;

  void start();
  // Ends the worker; an attempt in progress finishes first (bounded by its HTTP timeout).
  void stop();
  // A delivery was queued: look at the queue now.
  void wake();

private:
  void run();
  void attempt(const MdnDelivery& delivery);

  MessageStore& m_store;
  AuditLog& m_audit;
  const StationConfig& m_station;
  PartnersFn m_partners;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  bool m_stopping = false;
  bool m_woken = false;
  std::thread m_thread;
};

// The delay before retry number `attempts` (1 = after the first failure).
[[nodiscard]] std::chrono::seconds retry_delay(std::chrono::seconds initial, int attempts) noexcept;

}  // namespace as2d
