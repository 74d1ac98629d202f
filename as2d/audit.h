// as2d audit log: one JSON object per line and per event, each with a stable numeric id
// and name (docs/events.md lists them; ids are never reused or renumbered).
//
//   {"time":"2026-11-22T00:23:34.120Z","event":2008,"name":"payload_stored","partner":"acme",...}
//
// Lines go to stderr or to a file opened in append mode, each with a single write(2), so
// concurrent handlers never interleave within a line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace as2d {

enum class Event : int {
  // daemon
  daemon_started = 1000,     // listening; fields: listen, port, partners
  daemon_stopping = 1001,    // a stop signal arrived; in-flight requests finish
  daemon_stopped = 1002,
  partners_reloaded = 1003,  // SIGHUP: the partner table was replaced
  reload_failed = 1004,      // SIGHUP: the new configuration was refused; the old one stays
  startup_failed = 1005,
  address_limit_reached = 1006,  // connections refused: their address had max_connections_per_address (rate-limited)
  idle_limit_reached = 1007,     // waiting connections closed: max_idle_connections was reached (rate-limited)
  header_timeout = 1008,         // a request header (or TLS handshake) took longer than read_timeout in all (rate-limited)
  // receiving
  request_rejected = 2000,    // not an AS2 request we can answer (method, headers): HTTP 4xx
  partner_unknown = 2001,     // AS2-From/AS2-To is no configured relationship
  auth_failed = 2002,         // basic authentication missing or wrong: HTTP 401
  body_rejected = 2003,       // the body was too large, too slow, cut off or unreadable
  message_received = 2004,    // the whole body is on disk
  duplicate_replayed = 2005,  // a Message-ID processed before: the stored MDN was sent again
  message_decrypted = 2006,
  signature_verified = 2007,
  payload_stored = 2008,      // durable in the inbox (fsync'ed file and directory)
  message_failed = 2009,      // processing ended in an error disposition
  mdn_sent = 2010,            // a synchronous MDN went out
  store_failed = 2011,        // the message store could not record the message: HTTP 500
  internal_error = 2012,      // a bug or an unexpected exception in a handler: HTTP 500
  async_mdn_refused = 2013,   // the Receipt-Delivery-Option URL is not allowed for the partner: HTTP 403
  connection_error = 2014,    // a connection failed outside any request (TLS handshake, reset mid-headers)
  async_mdn_queued = 2015,    // an asynchronous MDN is queued (durably); the request got 204
  async_mdn_delivered = 2016,
  async_mdn_retry = 2017,     // a delivery attempt failed; the next one is scheduled
  async_mdn_given_up = 2018,  // async_mdn_give_up passed without a successful delivery
  unacknowledged_file_removed = 2019,  // start-up: a payload linked before a crash, its message never recorded
  // sending
  message_queued = 3000,  // an outbox file was taken into the queue under a Message-ID
  message_sent = 3001,    // one attempt: the partner's answer (state, http_status)
  mdn_received = 3002,  // an asynchronous MDN for a message we sent was recorded (its state says how it checked out)
  mdn_refused = 3003,   // a POSTed MDN that is unreadable or answers no message we sent: HTTP 400
  send_retry = 3004,    // a transport failure or 5xx: the next attempt is scheduled
  send_given_up = 3005,  // the retries are spent: the file is in failed/ with a .reason file
  send_failed = 3006,   // a final answer that is no success (negative, MIC mismatch, bad MDN, 4xx): failed/
  message_delivered = 3007,  // the file is in sent/ (with its MDN beside it, when one came)
  outbox_error = 3008,  // an outbox folder or the store could not be worked on; tried again next round
};

[[nodiscard]] std::string_view event_name(Event event) noexcept;

// One "key": value pair of an event line.
class Field final {
public:
  Field(std::string_view key, std::string_view value) : m_key(key), m_value(quote(value)) {}
  Field(std::string_view key, const std::string& value) : m_key(key), m_value(quote(value)) {}
  Field(std::string_view key, const char* value) : m_key(key), m_value(quote(value)) {}
  Field(std::string_view key, std::int64_t value) : m_key(key), m_value(std::to_string(value)) {}
  Field(std::string_view key, std::uint64_t value) : m_key(key), m_value(std::to_string(value)) {}
  Field(std::string_view key, int value) : m_key(key), m_value(std::to_string(value)) {}
  Field(std::string_view key, bool value) : m_key(key), m_value(value ? "true" : "false") {}

  [[nodiscard]] std::string_view key() const noexcept { return m_key; }
  [[nodiscard]] const std::string& json_value() const noexcept { return m_value; }
  // A JSON string literal; bytes that are not printable ASCII are escaped as \u00XX.
  [[nodiscard]] static std::string quote(std::string_view text);

private:
  std::string_view m_key;
  std::string m_value;
};

class AuditLog final {
public:
  // Empty path: stderr. Errors: io (the file cannot be opened for appending).
  [[nodiscard]] static payload::Result<std::unique_ptr<AuditLog>> open(const std::filesystem::path& file);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void emit(Event event, std::initializer_list<Field> fields) noexcept;

private:
  explicit AuditLog(int fd, bool owned) : m_fd(fd), m_owned(owned) {}
  int m_fd;
  bool m_owned;
  std::mutex m_mutex;
};

}  // namespace as2d
