// as2d message store over Poco::Data::SQLite.
#include "store.h"

#include <algorithm>

#include <Poco/Data/LOB.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/Nullable.h>
#include <sqlite3.h>

#include "sqlite_session.h"
#include "sqlite_statement.h"

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

constexpr const char* pending_schema = R"(CREATE TABLE IF NOT EXISTS inbox_pending (
  path TEXT PRIMARY KEY,
  partner TEXT NOT NULL,
  message_key TEXT NOT NULL,
  device INTEGER NOT NULL,
  inode INTEGER NOT NULL
))";

std::string from_blob(const Poco::Data::BLOB& blob) {
  return std::string(reinterpret_cast<const char*>(blob.rawContent()), blob.size());
}


constexpr std::string_view find_sql =
    "SELECT message_id, partner, direction, received_at, size, algorithms, mic, disposition, mdn, file_path, status, "
    "error, attempts FROM messages WHERE partner = ? AND direction = ? AND message_key = ?";

constexpr std::string_view add_pending_sql =
    "INSERT OR REPLACE INTO inbox_pending (path, partner, message_key, device, inode) VALUES (?, ?, ?, ?, ?)";
constexpr std::string_view forget_pending_sql = "DELETE FROM inbox_pending WHERE partner = ? AND message_key = ?";

constexpr std::string_view upsert_sql =
    "INSERT INTO messages (message_id, message_key, partner, direction, received_at, size, algorithms, mic, "
    "disposition, mdn, file_path, status, error, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
    "ON CONFLICT (partner, direction, message_key) DO UPDATE SET message_id = excluded.message_id, "
    "received_at = excluded.received_at, size = excluded.size, algorithms = excluded.algorithms, "
    "mic = excluded.mic, disposition = excluded.disposition, mdn = excluded.mdn, "
    "file_path = excluded.file_path, status = excluded.status, error = excluded.error, "
    "attempts = messages.attempts + 1 WHERE messages.status <> 'processed'";

}  // namespace

struct MessageStore::Prepared {
  sqlite3* db;
  SqliteStatement upsert;
  SqliteStatement add_pending;
  SqliteStatement forget_pending;
  // The transaction of a round, prepared like the rest (sqlite3_exec parses them anew
  // every time).
  SqliteStatement begin;
  SqliteStatement commit;
  SqliteStatement savepoint;
  SqliteStatement release;
  SqliteStatement rollback_to;
};

// A connection of its own for find(): a WAL reader sees every committed row and none of a
// round still being written, and it does not wait while a round holds the writing
// connection through its commit's sync (every new message looks itself up first).
struct MessageStore::Reader {
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db{nullptr, sqlite3_close_v2};
  std::optional<SqliteStatement> find;  // finalized first: declared after the connection
};

std::string MessageStore::message_key(std::string_view message_id) {
  if (message_id.size() >= 2 && message_id.front() == '<' && message_id.back() == '>')
    message_id = message_id.substr(1, message_id.size() - 2);
  return std::string(message_id);
}

namespace {

// Runs a prepared statement that returns no rows (BEGIN, COMMIT, ...). Errors: io.
Status run(SqliteStatement& statement) {
  SqliteStatement::Use use(statement);
  if (auto done = use.step(); !done) return fail(done.error());
  return {};
}

}  // namespace

// The reading connection: the database exists and has its tables (open() made them).
Result<std::unique_ptr<MessageStore::Reader>> MessageStore::open_reader(const std::filesystem::path& file) {
  auto reader = std::make_unique<MessageStore::Reader>();
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  reader->db.reset(db);  // closed even when the open failed
  if (rc != SQLITE_OK)
    return fail(Errc::io, file.string() + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
  sqlite3_busy_timeout(db, 10000);  // as the writing connection (sqlite_session.cpp)
  auto find = SqliteStatement::prepare(db, find_sql);
  if (!find) return fail(find.error().with_context(file.string()));
  reader->find.emplace(std::move(*find));
  return reader;
}

MessageStore::MessageStore(std::unique_ptr<Poco::Data::Session> session)
    : m_session(std::move(session)),
      m_commits(std::make_unique<GroupCommit<const Write>>(
          [this](const std::vector<const Write*>& writes, std::vector<Status>& results) {
            commit_rows(writes, results);
          })) {}

MessageStore::~MessageStore() = default;

Result<std::unique_ptr<MessageStore>> MessageStore::open(const std::filesystem::path& file) {
  auto opened = open_sqlite(file);
  if (!opened) return fail(opened.error());
  auto session = std::move(*opened);
  try {
    *session << schema, now;
    *session << queue_schema, now;
    *session << pending_schema, now;
    *session << "CREATE INDEX IF NOT EXISTS inbox_pending_message ON inbox_pending (partner, message_key)", now;
    *session << "CREATE INDEX IF NOT EXISTS mdn_queue_due ON mdn_queue (status, next_attempt_at)", now;
    auto* db = Poco::Data::SQLite::Utility::dbHandle(*session);
    auto upsert = SqliteStatement::prepare(db, upsert_sql);
    auto add_pending = SqliteStatement::prepare(db, add_pending_sql);
    auto forget_pending = SqliteStatement::prepare(db, forget_pending_sql);
    auto begin = SqliteStatement::prepare(db, "BEGIN IMMEDIATE");
    auto commit = SqliteStatement::prepare(db, "COMMIT");
    auto savepoint = SqliteStatement::prepare(db, "SAVEPOINT write");
    auto release = SqliteStatement::prepare(db, "RELEASE write");
    auto rollback_to = SqliteStatement::prepare(db, "ROLLBACK TO write");
    for (const auto* prepared : {&upsert, &add_pending, &forget_pending, &begin, &commit, &savepoint, &release, &rollback_to})
      if (!*prepared) return fail(prepared->error().with_context(file.string()));
    auto reader = open_reader(file);
    if (!reader) return fail(reader.error());
    std::unique_ptr<MessageStore> store(new MessageStore(std::move(session)));
    store->m_prepared.reset(new Prepared{db, std::move(*upsert), std::move(*add_pending), std::move(*forget_pending),
                                         std::move(*begin), std::move(*commit), std::move(*savepoint),
                                         std::move(*release), std::move(*rollback_to)});
    store->m_reader = std::move(*reader);
    return store;
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, file.string() + ": " + e.displayText());
  }
}

Result<std::optional<MessageRecord>> MessageStore::find(const std::string& partner, const std::string& direction,
                                                        const std::string& message_id) {
  const auto key = message_key(message_id);
  const std::lock_guard lock(m_read_mutex);
  SqliteStatement::Use select(*m_reader->find);
  select.text(1, partner).text(2, direction).text(3, key);
  auto row = select.step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<MessageRecord>();
  MessageRecord record;
  record.message_id = select.text_column(0);
  record.partner = select.text_column(1);
  record.direction = select.text_column(2);
  record.received_at = select.text_column(3);
  record.size = static_cast<std::uint64_t>(select.integer_column(4));
  record.algorithms = select.text_column(5);
  record.mic = select.text_column(6);
  record.disposition = select.text_column(7);
  record.mdn = select.blob_column(8);
  record.file_path = select.text_column(9);
  record.status = select.text_column(10);
  record.error = select.text_column(11);
  record.attempts = static_cast<int>(select.integer_column(12));
  return std::optional<MessageRecord>(std::move(record));
}

Status MessageStore::record(const MessageRecord& record) {
  const Write write{&record, nullptr};
  return m_commits->submit(write);
}

Status MessageStore::add_pending_file(const PendingFile& file) {
  const Write write{nullptr, &file};
  return m_commits->submit(write);
}

std::size_t MessageStore::record_commits() const { return m_commits->rounds(); }

Status MessageStore::write_row(const MessageRecord& r) {
  const auto key = message_key(r.message_id);
  {
    SqliteStatement::Use upsert(m_prepared->upsert);
    upsert.text(1, r.message_id).text(2, key).text(3, r.partner).text(4, r.direction).text(5, r.received_at);
    upsert.integer(6, static_cast<std::int64_t>(r.size)).text(7, r.algorithms).text(8, r.mic);
    upsert.text(9, r.disposition).blob(10, r.mdn).text(11, r.file_path).text(12, r.status).text(13, r.error);
    if (auto done = upsert.step(); !done) return fail(done.error());
    if (sqlite3_changes(m_prepared->db) == 0)
      return fail(Errc::usage, "message store: " + r.message_id + " from " + r.partner + " is already processed");
  }
  SqliteStatement::Use forget(m_prepared->forget_pending);
  forget.text(1, r.partner).text(2, key);
  if (auto done = forget.step(); !done) return fail(done.error());
  return {};
}

Status MessageStore::write_pending(const PendingFile& file) {
  const auto key = message_key(file.message_id);  // bound without a copy: must outlive step()
  SqliteStatement::Use insert(m_prepared->add_pending);
  insert.text(1, file.path).text(2, file.partner).text(3, key);
  insert.integer(4, static_cast<std::int64_t>(file.device)).integer(5, static_cast<std::int64_t>(file.inode));
  if (auto done = insert.step(); !done) return fail(done.error());
  return {};
}

void MessageStore::commit_rows(const std::vector<const Write*>& writes, std::vector<Status>& results) {
  const std::lock_guard lock(m_mutex);
  auto* db = m_prepared->db;
  auto fail_all = [&](const payload::Error& error) {
    if (sqlite3_get_autocommit(db) == 0) (void)sqlite_exec(db, "ROLLBACK");  // never leave it open
    results.assign(writes.size(), fail(error));
  };
  // A round of pending files only is written to the log without its own fsync: what it
  // protects against is a process that dies (SIGKILL, a crash), and for that the write
  // suffices; the next message row's commit syncs the log with it. Only a power loss in
  // the milliseconds between a link and that commit could leave a file unlisted (stored
  // twice on retry, never lost).
  const bool pending_only =
      std::all_of(writes.begin(), writes.end(), [](const Write* write) { return write->record == nullptr; });
  if (pending_only) {
    if (auto relaxed = sqlite_exec(db, "PRAGMA synchronous=NORMAL"); !relaxed) return fail_all(relaxed.error());
  }
  struct RestoreSync {
    sqlite3* db;
    bool relaxed;
    ~RestoreSync() {
      if (relaxed) (void)sqlite_exec(db, "PRAGMA synchronous=FULL");
    }
  } restore{db, pending_only};
  auto& prepared = *m_prepared;
  if (auto begun = run(prepared.begin); !begun) return fail_all(begun.error());
  for (std::size_t i = 0; i < writes.size(); ++i) {
    // Each write in a savepoint: one that fails (a row already processed) undoes all its
    // statements and nothing else, unless SQLite had to give up the whole transaction
    // (disk full, I/O error): then no write of this round is recorded.
    if (auto saved = run(prepared.savepoint); !saved) return fail_all(saved.error());
    auto done = writes[i]->record ? write_row(*writes[i]->record) : write_pending(*writes[i]->pending);
    if (sqlite3_get_autocommit(db) != 0) return fail_all(done ? payload::Error(Errc::io, "message store: transaction lost") : done.error());
    if (!done) {
      (void)run(prepared.rollback_to);
      results[i] = std::move(done);
    }
    if (auto released = run(prepared.release); !released) return fail_all(released.error());
  }
  if (auto committed = run(prepared.commit); !committed) return fail_all(committed.error());
}

Result<std::vector<PendingFile>> MessageStore::pending_files() {
  const std::lock_guard lock(m_mutex);
  try {
    std::vector<std::string> paths, partners, keys;
    std::vector<Poco::Int64> devices, inodes;
    *m_session << "SELECT path, partner, message_key, device, inode FROM inbox_pending ORDER BY path", into(paths),
        into(partners), into(keys), into(devices), into(inodes), now;
    std::vector<PendingFile> files;
    for (std::size_t i = 0; i < paths.size(); ++i)
      files.push_back(PendingFile{partners[i], keys[i], paths[i], static_cast<std::uint64_t>(devices[i]),
                                  static_cast<std::uint64_t>(inodes[i])});
    return files;
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, "message store: " + e.displayText());
  }
}

Status MessageStore::forget_pending_file(const std::string& path) {
  std::string value = path;
  const std::lock_guard lock(m_mutex);
  try {
    *m_session << "DELETE FROM inbox_pending WHERE path = ?", use(value), now;
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
