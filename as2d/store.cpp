// as2d message store over Poco::Data::SQLite.
#include "store.h"

#include <Poco/Data/LOB.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/Nullable.h>

namespace as2d {

using namespace Poco::Data::Keywords;
using payload::Errc;
using payload::fail;
using payload::Result;
using payload::Status;

namespace {

constexpr const char* schema = R"(CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL,
  message_key TEXT NOT NULL,
  partner TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  received_at TEXT NOT NULL,
  size INTEGER NOT NULL,
  algorithms TEXT NOT NULL,
  mic TEXT NOT NULL,
  disposition TEXT NOT NULL,
  mdn BLOB,
  file_path TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('processed', 'failed')),
  error TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  UNIQUE (partner, direction, message_key)
))";

constexpr const char* queue_schema = R"(CREATE TABLE IF NOT EXISTS mdn_queue (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  partner TEXT NOT NULL,
  message_id TEXT NOT NULL,
  message_key TEXT NOT NULL,
  url TEXT NOT NULL,
  mdn BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'given_up'))
))";

std::string from_blob(const Poco::Data::BLOB& blob) {
  return std::string(reinterpret_cast<const char*>(blob.rawContent()), blob.size());
}

Poco::Nullable<Poco::Data::BLOB> to_blob(const std::optional<std::string>& bytes) {
  if (!bytes) return {};
  return Poco::Data::BLOB(reinterpret_cast<const unsigned char*>(bytes->data()), bytes->size());
}

}  // namespace

std::string MessageStore::message_key(std::string_view message_id) {
  if (message_id.size() >= 2 && message_id.front() == '<' && message_id.back() == '>')
    message_id = message_id.substr(1, message_id.size() - 2);
  return std::string(message_id);
}

MessageStore::MessageStore(std::unique_ptr<Poco::Data::Session> session) : m_session(std::move(session)) {}

MessageStore::~MessageStore() = default;

Result<std::unique_ptr<MessageStore>> MessageStore::open(const std::filesystem::path& file) {
  try {
    // POCO retries a failing open until its login timeout (60 s by default): fail fast
    // on the obvious cause, and keep the timeout short for the rest.
    std::error_code ec;
    if (!std::filesystem::is_directory(file.parent_path(), ec))
      return fail(Errc::io, file.string() + ": the directory does not exist");
    Poco::Data::SQLite::Connector::registerConnector();
    auto session = std::make_unique<Poco::Data::Session>("SQLite", file.string(), 5);
    *session << "PRAGMA journal_mode=WAL", now;
    *session << "PRAGMA synchronous=FULL", now;
    *session << "PRAGMA busy_timeout=10000", now;
    *session << schema, now;
    *session << queue_schema, now;
    *session << "CREATE INDEX IF NOT EXISTS mdn_queue_due ON mdn_queue (status, next_attempt_at)", now;
    return std::unique_ptr<MessageStore>(new MessageStore(std::move(session)));
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, file.string() + ": " + e.displayText());
  }
}

Result<std::optional<MessageRecord>> MessageStore::find(const std::string& partner, const std::string& direction,
                                                        const std::string& message_id) {
  const auto key = message_key(message_id);
  std::string partner_value = partner, direction_value = direction;
  const std::lock_guard lock(m_mutex);
  try {
    MessageRecord record;
    Poco::Nullable<Poco::Data::BLOB> mdn;
    Poco::Int64 size = 0;
    std::size_t rows = 0;
    Poco::Data::Statement select(*m_session);
    select << "SELECT message_id, partner, direction, received_at, size, algorithms, mic, disposition, mdn, "
              "file_path, status, error, attempts FROM messages WHERE partner = ? AND direction = ? AND message_key = ?",
        into(record.message_id), into(record.partner), into(record.direction), into(record.received_at), into(size),
        into(record.algorithms), into(record.mic), into(record.disposition), into(mdn), into(record.file_path),
        into(record.status), into(record.error), into(record.attempts), use(partner_value), use(direction_value),
        bind(key);
    rows = select.execute();
    if (rows == 0) return std::optional<MessageRecord>();
    record.size = static_cast<std::uint64_t>(size);
    if (!mdn.isNull()) {
      const auto& blob = mdn.value();
      record.mdn = std::string(reinterpret_cast<const char*>(blob.rawContent()), blob.size());
    }
    return std::optional<MessageRecord>(std::move(record));
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "message store: " + e.displayText());
  }
}

Status MessageStore::record(const MessageRecord& record) {
  MessageRecord r = record;
  auto key = message_key(r.message_id);
  auto mdn = to_blob(r.mdn);
  Poco::Int64 size = static_cast<Poco::Int64>(r.size);
  const std::lock_guard lock(m_mutex);
  try {
    Poco::Data::Statement upsert(*m_session);
    upsert << "INSERT INTO messages (message_id, message_key, partner, direction, received_at, size, algorithms, mic, "
              "disposition, mdn, file_path, status, error, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
              "ON CONFLICT (partner, direction, message_key) DO UPDATE SET message_id = excluded.message_id, "
              "received_at = excluded.received_at, size = excluded.size, algorithms = excluded.algorithms, "
              "mic = excluded.mic, disposition = excluded.disposition, mdn = excluded.mdn, "
              "file_path = excluded.file_path, status = excluded.status, error = excluded.error, "
              "attempts = messages.attempts + 1 WHERE messages.status <> 'processed'",
        use(r.message_id), use(key), use(r.partner), use(r.direction), use(r.received_at), use(size),
        use(r.algorithms), use(r.mic), use(r.disposition), use(mdn), use(r.file_path), use(r.status), use(r.error);
    const auto changed = upsert.execute();
    if (changed == 0)
      return fail(Errc::usage, "message store: " + r.message_id + " from " + r.partner + " is already processed");
    return {};
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "message store: " + e.displayText());
  }
}

Result<std::int64_t> MessageStore::enqueue_mdn(const MdnDelivery& delivery) {
  MdnDelivery d = delivery;
  auto key = message_key(d.message_id);
  Poco::Data::BLOB mdn(reinterpret_cast<const unsigned char*>(d.mdn.data()), d.mdn.size());
  Poco::Int64 created = d.created_at;
  const std::lock_guard lock(m_mutex);
  try {
    *m_session << "INSERT INTO mdn_queue (partner, message_id, message_key, url, mdn, created_at, next_attempt_at, "
                  "attempts, last_error, status) VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', 'pending')",
        use(d.partner), use(d.message_id), use(key), use(d.url), use(mdn), use(created), use(created), now;
    Poco::Int64 id = 0;
    *m_session << "SELECT last_insert_rowid()", into(id), now;
    return static_cast<std::int64_t>(id);
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "message store: " + e.displayText());
  }
}

namespace {

Result<std::vector<MdnDelivery>> select_deliveries(Poco::Data::Session& session, const std::string& where,
                                                   std::vector<std::string> text_args, Poco::Int64 number_arg,
                                                   int limit) {
  std::vector<Poco::Int64> ids, created, next, attempts;
  std::vector<std::string> partners, message_ids, urls, errors, statuses;
  std::vector<Poco::Data::BLOB> mdns;
  Poco::Data::Statement select(session);
  select << "SELECT id, partner, message_id, url, mdn, created_at, next_attempt_at, attempts, last_error, status "
            "FROM mdn_queue WHERE " + where + " ORDER BY id LIMIT " + std::to_string(limit),
      into(ids), into(partners), into(message_ids), into(urls), into(mdns), into(created), into(next), into(attempts),
      into(errors), into(statuses);
  for (auto& arg : text_args) select.addBind(bind(arg));
  if (text_args.empty()) select.addBind(bind(number_arg));
  select.execute();
  std::vector<MdnDelivery> out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    MdnDelivery d;
    d.id = ids[i];
    d.partner = partners[i];
    d.message_id = message_ids[i];
    d.url = urls[i];
    d.mdn = from_blob(mdns[i]);
    d.created_at = created[i];
    d.next_attempt_at = next[i];
    d.attempts = static_cast<int>(attempts[i]);
    d.last_error = errors[i];
    d.status = statuses[i];
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

Result<std::vector<MdnDelivery>> MessageStore::due_mdns(std::int64_t now_seconds, int limit) {
  const std::lock_guard lock(m_mutex);
  try {
    return select_deliveries(*m_session, "status = 'pending' AND next_attempt_at <= ?", {}, now_seconds, limit);
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "message store: " + e.displayText());
  }
}

Result<std::optional<std::int64_t>> MessageStore::next_mdn_due() {
  const std::lock_guard lock(m_mutex);
  try {
    Poco::Nullable<Poco::Int64> next;
    *m_session << "SELECT MIN(next_attempt_at) FROM mdn_queue WHERE status = 'pending'", into(next), now;
    if (next.isNull()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(next.value());
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "message store: " + e.displayText());
  }
}

Status MessageStore::update_mdn(std::int64_t id, std::string_view status, int attempts, const std::string& error,
                                std::int64_t next_attempt_at) {
  std::string status_value(status), error_value = error;
  Poco::Int64 id_value = id, next_value = next_attempt_at;
  int attempts_value = attempts;
  const std::lock_guard lock(m_mutex);
  try {
    *m_session << "UPDATE mdn_queue SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
        use(status_value), use(attempts_value), use(error_value), use(next_value), use(id_value), now;
    return {};
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "message store: " + e.displayText());
  }
}

Result<std::vector<MdnDelivery>> MessageStore::mdn_deliveries(const std::string& partner, const std::string& message_id) {
  const std::lock_guard lock(m_mutex);
  try {
    return select_deliveries(*m_session, "partner = ? AND message_key = ?", {partner, message_key(message_id)}, 0, 1000);
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "message store: " + e.displayText());
  }
}

}  // namespace as2d
