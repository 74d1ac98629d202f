// as2d outboxes: one folder per partner (PartnerConfig::outbox). A file put there is
// taken once complete (unchanged for outbox_stable; names starting with '.' never),
// moved into outbox/.queue and recorded under a Message-ID (message_queued), sent with
// the partner's policy (sender.h), and then moved to outbox/sent with its MDN beside it
// (NAME.mdn), or to outbox/failed with NAME.reason (and the MDN, when one came).
// Transport failures and 5xx answers are retried after send_retry, doubling up to an
// hour, until send_give_up.
//
// Exactly once: the queue and its rows survive a restart. A file is claimed by a rename
// before its row exists (a queued file without a row gets one at the next start), and a
// message interrupted after its POST is sent again under the same Message-ID, which the
// receiver answers with its original MDN instead of storing a second file (i05 5.5).
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "audit.h"
#include "outbound_store.h"
#include "server_state.h"

namespace as2d {

inline constexpr std::string_view outbox_queue_dir = ".queue";
inline constexpr std::string_view outbox_sent_dir = "sent";
inline constexpr std::string_view outbox_failed_dir = "failed";

class OutboxWorker final {
public:
  OutboxWorker(const ServerState& state, OutboundStore& store) : m_state(state), m_store(store) {}
  ~OutboxWorker();
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  void start();
  // Ends the worker after the message in progress.
  void stop();

private:
  void run();
  void work(const Partner& partner);
  void recover_queue(const Partner& partner);
  void claim_new_files(const Partner& partner);
  void send_due(const Partner& partner);
  void finish(const Partner& partner, OutboundRecord record, bool success);
  [[nodiscard]] bool stopping();

  const ServerState& m_state;
  OutboundStore& m_store;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace as2d
