// as2d audit log.
#include "audit.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>

#include <payload/io/file.h>

#include "utc_time.h"

namespace as2d {

std::string_view event_name(Event event) noexcept {
  switch (event) {
    case Event::daemon_started: return "daemon_started";
    case Event::daemon_stopping: return "daemon_stopping";
    case Event::daemon_stopped: return "daemon_stopped";
    case Event::partners_reloaded: return "partners_reloaded";
    case Event::reload_failed: return "reload_failed";
    case Event::startup_failed: return "startup_failed";
    case Event::address_limit_reached: return "address_limit_reached";
    case Event::idle_limit_reached: return "idle_limit_reached";
    case Event::header_timeout: return "header_timeout";
    case Event::request_rejected: return "request_rejected";
    case Event::partner_unknown: return "partner_unknown";
    case Event::auth_failed: return "auth_failed";
    case Event::body_rejected: return "body_rejected";
    case Event::message_received: return "message_received";
    case Event::duplicate_replayed: return "duplicate_replayed";
    case Event::message_decrypted: return "message_decrypted";
    case Event::signature_verified: return "signature_verified";
    case Event::payload_stored: return "payload_stored";
    case Event::message_failed: return "message_failed";
    case Event::mdn_sent: return "mdn_sent";
    case Event::store_failed: return "store_failed";
    case Event::internal_error: return "internal_error";
    case Event::async_mdn_refused: return "async_mdn_refused";
    case Event::connection_error: return "connection_error";
    case Event::async_mdn_queued: return "async_mdn_queued";
    case Event::async_mdn_delivered: return "async_mdn_delivered";
    case Event::async_mdn_retry: return "async_mdn_retry";
    case Event::async_mdn_given_up: return "async_mdn_given_up";
    case Event::unacknowledged_file_removed: return "unacknowledged_file_removed";
    case Event::message_queued: return "message_queued";
    case Event::message_sent: return "message_sent";
    case Event::mdn_received: return "mdn_received";
    case Event::send_retry: return "send_retry";
    case Event::send_given_up: return "send_given_up";
    case Event::send_failed: return "send_failed";
    case Event::message_delivered: return "message_delivered";
    case Event::outbox_error: return "outbox_error";
    case Event::mdn_refused: return "mdn_refused";
  }
  return "unknown";
}

std::string Field::quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20 || byte >= 0x7F) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", byte);
      out += escape;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

payload::Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::filesystem::path& file) {
  if (file.empty()) return std::unique_ptr<AuditLog>(new AuditLog(STDERR_FILENO, false));
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return payload::fail(payload::io::errno_error(file.string(), errno));
  return std::unique_ptr<AuditLog>(new AuditLog(fd, true));
}

AuditLog::~AuditLog() {
  if (m_owned) ::close(m_fd);
}

void AuditLog::emit(Event event, std::initializer_list<Field> fields) noexcept {
  try {
    std::string line = "{\"time\":\"" + utc_now() + "\",\"event\":" + std::to_string(static_cast<int>(event)) +
                       ",\"name\":\"" + std::string(event_name(event)) + "\"";
    for (const auto& field : fields) {
      line += ",\"";
      line += field.key();
      line += "\":";
      line += field.json_value();
    }
    line += "}\n";
    const std::lock_guard lock(m_mutex);
    (void)payload::io::write_all(m_fd, line);
  } catch (...) {
    // Logging must never take a request down (out of memory while formatting).
  }
}

}  // namespace as2d
