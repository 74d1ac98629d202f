// The sending side's records over Poco::Data::SQLite.
#include "outbound_store.h"

#include <Poco/Data/LOB.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/Nullable.h>

#include <array>

#include "sqlite_session.h"
#include "store.h"

namespace as2d {

using namespace Poco::Data::Keywords;
using payload::Errc;
using payload::fail;
using payload::Result;
using payload::Status;

namespace {

constexpr const char* schema = R"(CREATE TABLE IF NOT EXISTS outbound (
  message_key TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  partner TEXT NOT NULL,
  file TEXT NOT NULL,
  size INTEGER NOT NULL,
  mic TEXT NOT NULL,
  mdn_mode TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  http_status INTEGER NOT NULL,
  state TEXT NOT NULL,
  disposition TEXT NOT NULL,
  mdn BLOB,
  error TEXT NOT NULL,
  filename TEXT NOT NULL,
  origin TEXT NOT NULL,
  next_attempt_at INTEGER NOT NULL
))";

constexpr std::array<std::pair<SendState, std::string_view>, 11> state_names{{
    {SendState::queued, "queued"},
    {SendState::sending, "sending"},
    {SendState::transport_failed, "transport_failed"},
    {SendState::http_error, "http_error"},
    {SendState::awaiting_mdn, "awaiting_mdn"},
    {SendState::delivered, "delivered"},
    {SendState::processed, "processed"},
    {SendState::negative, "negative"},
    {SendState::mic_mismatch, "mic_mismatch"},
    {SendState::bad_mdn, "bad_mdn"},
    {SendState::given_up, "given_up"},
}};

}  // namespace

std::string_view send_state_name(SendState state) noexcept {
  for (const auto& [value, name] : state_names) {
    if (value == state) return name;
  }
  return "sending";
}

std::optional<SendState> parse_send_state(std::string_view name) noexcept {
  for (const auto& [value, text] : state_names) {
    if (text == name) return value;
  }
  return std::nullopt;
}

bool is_final(SendState state) noexcept {
  return state != SendState::queued && state != SendState::sending && state != SendState::awaiting_mdn &&
         state != SendState::transport_failed;
}

namespace {

constexpr const char* columns =
    "message_id, partner, file, size, mic, mdn_mode, created_at, sent_at, attempts, http_status, state, disposition, mdn, "
    "error, filename, origin, next_attempt_at";

// The rows a SELECT of `columns` with one bound parameter gives.
std::vector<OutboundRecord> select_rows(Poco::Data::Session& session, const std::string& where,
                                        Poco::Data::AbstractBinding::Ptr binding,
                                        Poco::Data::AbstractBinding::Ptr second = nullptr) {
  std::vector<OutboundRecord> rows;
  OutboundRecord r;
  Poco::Int64 size = 0;
  std::string state;
  Poco::Nullable<Poco::Data::BLOB> mdn;
  Poco::Data::Statement select(session);
  select << "SELECT " << columns << " FROM outbound " << where, into(r.message_id), into(r.partner), into(r.file),
      into(size), into(r.mic), into(r.mdn_mode), into(r.created_at), into(r.sent_at), into(r.attempts),
      into(r.http_status), into(state), into(r.disposition), into(mdn), into(r.error), into(r.filename), into(r.origin),
      into(r.next_attempt_at), binding, range(0, 1);
  if (second) select, second;
  while (!select.done()) {
    if (select.execute() == 0) break;
    r.size = static_cast<std::uint64_t>(size);
    r.state = parse_send_state(state).value_or(SendState::sending);
    r.mdn.reset();
    if (!mdn.isNull()) {
      const auto& blob = mdn.value();
      r.mdn = std::string(reinterpret_cast<const char*>(blob.rawContent()), blob.size());
    }
    rows.push_back(r);
  }
  return rows;
}

}  // namespace

OutboundStore::OutboundStore(std::unique_ptr<Poco::Data::Session> session) : m_session(std::move(session)) {}

OutboundStore::~OutboundStore() = default;

Result<std::unique_ptr<OutboundStore>> OutboundStore::open(const std::filesystem::path& file) {
  auto session = open_sqlite(file);
  if (!session) return fail(session.error());
  try {
    **session << schema, now;
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, file.string() + ": " + e.displayText());
  }
  return std::unique_ptr<OutboundStore>(new OutboundStore(std::move(*session)));
}

Status OutboundStore::save(const OutboundRecord& r) {
  const std::lock_guard lock(m_mutex);
  return save_locked(r);
}

Result<OutboundRecord> OutboundStore::save_answer(OutboundRecord record) {
  const std::lock_guard lock(m_mutex);
  try {
    *m_session << "BEGIN IMMEDIATE", now;
    std::string key = MessageStore::message_key(record.message_id);
    auto rows = select_rows(*m_session, "WHERE message_key = ?", use(key));
    if (record.state == SendState::awaiting_mdn && !rows.empty() && rows.front().mdn && is_final(rows.front().state)) {
      const auto& current = rows.front();
      record.state = current.state;
      record.disposition = current.disposition;
      record.mdn = current.mdn;
      record.error = current.error;
    }
    if (auto saved = save_locked(record); !saved) {
      *m_session << "ROLLBACK", now;
      return fail(saved.error());
    }
    *m_session << "COMMIT", now;
    return record;
  } catch (const Poco::Exception& e) {
    try {
      *m_session << "ROLLBACK", now;
    } catch (const Poco::Exception&) {
    }
    return fail(Errc::io, "the message store: " + e.displayText());
  }
}

Status OutboundStore::save_locked(const OutboundRecord& r) {
  const std::string key = MessageStore::message_key(r.message_id);
  const std::string state(send_state_name(r.state));
  const auto size = static_cast<Poco::Int64>(r.size);
  Poco::Nullable<Poco::Data::BLOB> mdn;
  if (r.mdn) mdn = Poco::Data::BLOB(reinterpret_cast<const unsigned char*>(r.mdn->data()), r.mdn->size());
  OutboundRecord copy = r;  // POCO binds non-const references
  try {
    *m_session << "INSERT OR REPLACE INTO outbound (message_key, message_id, partner, file, size, mic, mdn_mode, "
                  "created_at, sent_at, attempts, http_status, state, disposition, mdn, error, filename, origin, "
                  "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        bind(key), use(copy.message_id), use(copy.partner), use(copy.file), bind(size), use(copy.mic), use(copy.mdn_mode),
        use(copy.created_at), use(copy.sent_at), use(copy.attempts), use(copy.http_status), bind(state),
        use(copy.disposition), use(mdn), use(copy.error), use(copy.filename), use(copy.origin), use(copy.next_attempt_at),
        now;
    return {};
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "the message store: " + e.displayText());
  }
}


Result<std::optional<OutboundRecord>> OutboundStore::find(std::string_view message_id) {
  std::string key = MessageStore::message_key(message_id);
  const std::lock_guard lock(m_mutex);
  try {
    auto rows = select_rows(*m_session, "WHERE message_key = ?", use(key));
    if (rows.empty()) return std::optional<OutboundRecord>();
    return std::optional<OutboundRecord>(std::move(rows.front()));
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "the message store: " + e.displayText());
  }
}

Result<std::vector<OutboundRecord>> OutboundStore::due_outbox(const std::string& partner, std::int64_t now_seconds,
                                                              int limit) {
  std::string name = partner;
  Poco::Int64 due = now_seconds;
  const std::lock_guard lock(m_mutex);
  try {
    return select_rows(*m_session,
                       "WHERE origin = 'outbox' AND partner = ? AND (state IN ('queued', 'sending', 'transport_failed') OR "
                       "(state = 'http_error' AND http_status >= 500)) AND next_attempt_at <= ? "
                       "ORDER BY created_at, message_key LIMIT " +
                           std::to_string(limit),
                       use(name), use(due));
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "the message store: " + e.displayText());
  }
}

Result<std::optional<OutboundRecord>> OutboundStore::find_by_file(const std::string& file) {
  std::string path = file;
  const std::lock_guard lock(m_mutex);
  try {
    auto rows = select_rows(*m_session, "WHERE file = ?", use(path));
    if (rows.empty()) return std::optional<OutboundRecord>();
    return std::optional<OutboundRecord>(std::move(rows.front()));
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "the message store: " + e.displayText());
  }
}

}  // namespace as2d
