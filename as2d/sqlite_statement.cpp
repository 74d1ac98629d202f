// as2d prepared SQLite statements.
#include "sqlite_statement.h"

#include <sqlite3.h>

namespace as2d {

using payload::Errc;
using payload::fail;

namespace {

payload::Error sqlite_error(sqlite3* db, int rc) {
  return payload::Error(Errc::io, std::string("message store: ") + sqlite3_errstr(rc) + ": " + sqlite3_errmsg(db));
}

}  // namespace

payload::Result<SqliteStatement> SqliteStatement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &statement, nullptr);
  if (rc != SQLITE_OK) return fail(sqlite_error(db, rc));
  return SqliteStatement(db, statement);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : m_db(other.m_db), m_statement(other.m_statement) {
  other.m_statement = nullptr;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(m_statement); }

SqliteStatement::Use::~Use() {
  sqlite3_reset(m_statement.m_statement);
  sqlite3_clear_bindings(m_statement.m_statement);
}

SqliteStatement::Use& SqliteStatement::Use::text(int index, std::string_view value) {
  const int rc = sqlite3_bind_text64(m_statement.m_statement, index, value.data(), value.size(), SQLITE_STATIC,
                                     SQLITE_UTF8);
  if (rc != SQLITE_OK && m_bind_error == SQLITE_OK) m_bind_error = rc;
  return *this;
}

SqliteStatement::Use& SqliteStatement::Use::blob(int index, const std::optional<std::string>& value) {
  const int rc = value ? sqlite3_bind_blob64(m_statement.m_statement, index, value->data(), value->size(), SQLITE_STATIC)
                       : sqlite3_bind_null(m_statement.m_statement, index);
  if (rc != SQLITE_OK && m_bind_error == SQLITE_OK) m_bind_error = rc;
  return *this;
}

SqliteStatement::Use& SqliteStatement::Use::integer(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(m_statement.m_statement, index, value);
  if (rc != SQLITE_OK && m_bind_error == SQLITE_OK) m_bind_error = rc;
  return *this;
}

payload::Result<bool> SqliteStatement::Use::step() {
  if (m_bind_error != SQLITE_OK) return fail(sqlite_error(m_statement.m_db, m_bind_error));
  const int rc = sqlite3_step(m_statement.m_statement);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return fail(sqlite_error(m_statement.m_db, rc));
}

std::string SqliteStatement::Use::text_column(int index) const {
  const auto* text = sqlite3_column_text(m_statement.m_statement, index);
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(m_statement.m_statement, index));
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text), size);
}

std::optional<std::string> SqliteStatement::Use::blob_column(int index) const {
  if (sqlite3_column_type(m_statement.m_statement, index) == SQLITE_NULL) return std::nullopt;
  const auto* bytes = sqlite3_column_blob(m_statement.m_statement, index);
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(m_statement.m_statement, index));
  return bytes == nullptr ? std::string() : std::string(static_cast<const char*>(bytes), size);
}

std::int64_t SqliteStatement::Use::integer_column(int index) const {
  return sqlite3_column_int64(m_statement.m_statement, index);
}

payload::Status sqlite_exec(sqlite3* db, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return fail(sqlite_error(db, rc));
  return {};
}

}  // namespace as2d
