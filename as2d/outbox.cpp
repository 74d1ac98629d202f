// as2d outboxes.
#include "outbox.h"

#include <sys/stat.h>

#include <chrono>

#include <payload/as2/message_id.h>

#include "file_moves.h"
#include "inbox.h"
#include "mdn_sender.h"
#include "sender.h"
#include "utc_time.h"

namespace as2d {

namespace {

constexpr int batch = 16;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Queue names: "q<nanoseconds>_<original name>", so that two files of one name can wait
// side by side and the original name is known again after a crash.
std::string queue_name(const std::string& name) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch());
  return "q" + std::to_string(ns.count()) + "_" + name;
}

std::string original_name(const std::string& queued) {
  const auto underscore = queued.find('_');
  return queued.starts_with('q') && underscore != std::string::npos ? queued.substr(underscore + 1) : queued;
}

bool is_success(SendState state) {
  return state == SendState::processed || state == SendState::delivered || state == SendState::awaiting_mdn;
}

// Worth another attempt: no answer, or the partner's server failing (5xx).
bool is_retryable(const OutboundRecord& record) {
  return record.state == SendState::transport_failed || record.state == SendState::sending ||
         (record.state == SendState::http_error && record.http_status >= 500);
}

std::int64_t seconds_since(const std::string& rfc3339) {
  // created_at is ours (utc_time.h): "YYYY-MM-DDTHH:MM:SS.mmmZ".
  std::tm tm{};
  if (::strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return unix_now() - ::timegm(&tm);
}

}  // namespace

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::start() { m_thread = std::thread([this] { run(); }); }

void OutboxWorker::stop() {
  {
    const std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

bool OutboxWorker::stopping() {
  const std::lock_guard lock(m_mutex);
  return m_stopping;
}

void OutboxWorker::run() {
  bool first = true;
  while (!stopping()) {
    bool more = false;
    const auto partners = m_state.partners();
    for (const auto& partner : partners->all()) {
      if (partner.config.outbox.empty() || stopping()) continue;
      if (auto made = ensure_directory(partner.config.outbox / outbox_queue_dir); !made) {
        m_state.audit().emit(Event::outbox_error, {{"partner", partner.config.name}, {"error", made.error().message()}});
        continue;
      }
      if (first) recover_queue(partner);
      more = work(partner) || more;
    }
    first = false;
    if (more) continue;  // a backlog: no pause between batches
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, m_state.station().outbox_poll, [this] { return m_stopping; });
  }
}

bool OutboxWorker::work(const Partner& partner) {
  claim_new_files(partner);
  return send_due(partner);
}

// After a crash: a queued file without a row gets one; a file whose row is finished but
// that was not moved yet is moved now; half-written files beside sent ones go.
void OutboxWorker::recover_queue(const Partner& partner) {
  for (const auto dir : {outbox_sent_dir, outbox_failed_dir})
    remove_stale_temporaries(partner.config.outbox / dir);
  const auto queue = partner.config.outbox / outbox_queue_dir;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(queue, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    auto row = m_store.find_by_file(it->path().string());
    if (!row) continue;
    if (!*row) {
      auto id = payload::as2::generate_message_id("as2d.localdomain");
      if (!id) continue;
      OutboundRecord record;
      record.message_id = *id;
      record.partner = partner.config.name;
      record.file = it->path().string();
      record.filename = original_name(it->path().filename().string());
      record.origin = "outbox";
      record.created_at = utc_now();
      record.state = SendState::queued;
      if (m_store.save(record))
        m_state.audit().emit(Event::message_queued, {{"partner", partner.config.name},
                                                     {"message_id", record.message_id},
                                                     {"file", record.filename},
                                                     {"recovered", true}});
    } else if (is_final((*row)->state) || is_success((*row)->state)) {
      finish(partner, **row, is_success((*row)->state));
    }
  }
}

void OutboxWorker::claim_new_files(const Partner& partner) {
  const auto& outbox = partner.config.outbox;
  const auto now = std::chrono::system_clock::now();
  std::error_code ec;
  for (std::filesystem::directory_iterator it(outbox, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.starts_with('.') || !it->is_regular_file()) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;
    const auto modified = std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec)) +
                          std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(st.st_mtim.tv_nsec));
    if (now - modified < partner.config.outbox_stable) continue;  // may still be written
    auto id = payload::as2::generate_message_id("as2d.localdomain");
    if (!id) continue;
    auto queued = move_unique(it->path(), outbox / outbox_queue_dir, queue_name(name));
    if (!queued) {
      m_state.audit().emit(Event::outbox_error, {{"partner", partner.config.name}, {"error", queued.error().message()}});
      continue;
    }
    OutboundRecord record;
    record.message_id = *id;
    record.partner = partner.config.name;
    record.file = queued->string();
    record.filename = name;
    record.origin = "outbox";
    record.created_at = utc_now();
    record.state = SendState::queued;
    if (auto saved = m_store.save(record); !saved) {
      // The next start gives the queued file its row (recover_queue).
      m_state.audit().emit(Event::outbox_error, {{"partner", partner.config.name}, {"error", saved.error().message()}});
      continue;
    }
    m_state.audit().emit(Event::message_queued,
                         {{"partner", partner.config.name}, {"message_id", record.message_id}, {"file", name}});
  }
}

bool OutboxWorker::send_due(const Partner& partner) {
  auto due = m_store.due_outbox(partner.config.name, unix_now(), batch);
  if (!due) {
    m_state.audit().emit(Event::outbox_error, {{"partner", partner.config.name}, {"error", due.error().message()}});
    return false;
  }
  auto& audit = m_state.audit();
  for (auto& row : *due) {
    if (stopping()) return false;
    if (!std::filesystem::exists(row.file)) {
      row.state = SendState::given_up;
      row.error = "the queued file " + row.file + " is gone";
      (void)m_store.save(row);
      audit.emit(Event::send_given_up, {{"partner", partner.config.name}, {"message_id", row.message_id}, {"error", row.error}});
      continue;
    }
    SendContext context{m_state.station(), m_state.keys(), partner, m_store};
    auto sent = send_file(context, row.file, SendOptions{row.message_id, {}, row.filename, {}});
    if (!sent) {
      // The file cannot be packed with this policy: no retry changes that.
      row.state = SendState::given_up;
      row.error = sent.error().message();
      (void)m_store.save(row);
      finish(partner, row, false);
      continue;
    }
    auto record = sent->record;
    audit.emit(Event::message_sent, {{"partner", partner.config.name},
                                     {"message_id", record.message_id},
                                     {"file", record.filename},
                                     {"state", std::string(send_state_name(record.state))},
                                     {"http_status", record.http_status},
                                     {"attempts", record.attempts}});
    if (sent->mdn)
      audit.emit(Event::mdn_received, {{"partner", partner.config.name},
                                       {"message_id", record.message_id},
                                       {"disposition", record.disposition},
                                       {"state", std::string(send_state_name(record.state))},
                                       {"signed", sent->mdn->is_signed()},
                                       {"error", record.error}});
    if (is_success(record.state)) {
      finish(partner, std::move(record), true);
    } else if (!is_retryable(record)) {
      finish(partner, std::move(record), false);
    } else if (seconds_since(record.created_at) >= m_state.station().send_give_up.count()) {
      record.state = SendState::given_up;
      (void)m_store.save(record);
      audit.emit(Event::send_given_up, {{"partner", partner.config.name},
                                        {"message_id", record.message_id},
                                        {"attempts", record.attempts},
                                        {"error", record.error}});
      finish(partner, std::move(record), false);
    } else {
      const auto delay = retry_delay(m_state.station().send_retry, record.attempts);
      record.next_attempt_at = unix_now() + delay.count();
      (void)m_store.save(record);
      audit.emit(Event::send_retry, {{"partner", partner.config.name},
                                     {"message_id", record.message_id},
                                     {"attempts", record.attempts},
                                     {"error", record.error},
                                     {"retry_in_seconds", static_cast<std::int64_t>(delay.count())}});
    }
  }
  return static_cast<int>(due->size()) == batch;
}

// Moves the queued file to sent/ or failed/ with the MDN (and for failures the reason)
// beside it, and records where it went. Crash-safe in this order: the name is chosen, the
// files beside it are written, the file is renamed, the row is updated. Interrupted
// before the rename, the file is still queued and its row final: recover_queue() runs
// this again, picks the same name (the payload's name is still free) and rewrites the
// files beside it. After the rename there is nothing left in the queue to act on.
void OutboxWorker::finish(const Partner& partner, OutboundRecord record, bool success) {
  auto& audit = m_state.audit();
  const auto dir = partner.config.outbox / (success ? outbox_sent_dir : outbox_failed_dir);
  auto target = free_path(dir, sanitize_filename(record.filename, "message"));
  payload::Status written;
  if (target && record.mdn) written = write_beside(dir, target->filename().string() + ".mdn", *record.mdn);
  if (target && written && !success) {
    const std::string reason = "message-id: " + record.message_id + "\nstate: " + std::string(send_state_name(record.state)) +
                               "\nattempts: " + std::to_string(record.attempts) + "\nhttp-status: " +
                               std::to_string(record.http_status) + "\ndisposition: " + record.disposition +
                               "\nerror: " + record.error + "\ntime: " + utc_now() + "\n";
    written = write_beside(dir, target->filename().string() + ".reason", reason);
  }
  payload::Status moved = !target ? payload::Status(payload::fail(target.error())) : written ? move_no_replace(record.file, *target) : written;
  if (!moved) {
    audit.emit(Event::outbox_error,
               {{"partner", partner.config.name}, {"message_id", record.message_id}, {"error", moved.error().message()}});
    return;
  }
  record.file = target->string();
  (void)m_store.save(record);
  audit.emit(success ? Event::message_delivered : Event::send_failed, {{"partner", partner.config.name},
                                                                        {"message_id", record.message_id},
                                                                        {"path", record.file},
                                                                        {"state", std::string(send_state_name(record.state))},
                                                                        {"error", record.error}});
}

}  // namespace as2d
