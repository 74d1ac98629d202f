// as2d prepared SQLite statements: prepared once when the store opens and reused for
// every message (preparing costs more than running a one-row INSERT or SELECT), reset
// after each use. On the raw connection of the store's Poco session (or the store's
// reading connection); the mutex of that connection serialises all use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <payload/core/error.h>

struct sqlite3;
struct sqlite3_stmt;

namespace as2d {

class SqliteStatement final {
public:
  // Errors: io (the SQL does not prepare: a bug, or a database that is not ours).
  [[nodiscard]] static payload::Result<SqliteStatement> prepare(sqlite3* db, std::string_view sql);
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // One use: binds parameters (1-based), steps, reads columns (0-based); the statement
  // is reset and its bindings cleared when the Use ends. Bound strings must outlive it.
  class Use final {
  public:
    explicit Use(SqliteStatement& statement) : m_statement(statement) {}
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

    Use& text(int index, std::string_view value);
    Use& blob(int index, const std::optional<std::string>& value);  // NULL for nullopt
    Use& integer(int index, std::int64_t value);
    // Errors: io, with SQLite's message (a binding that failed is reported here too).
    // True: a row is there to read; false: done.
    [[nodiscard]] payload::Result<bool> step();

    [[nodiscard]] std::string text_column(int index) const;
    [[nodiscard]] std::optional<std::string> blob_column(int index) const;  // nullopt for NULL
    [[nodiscard]] std::int64_t integer_column(int index) const;

  private:
    SqliteStatement& m_statement;
    int m_bind_error = 0;  // SQLITE_OK
  };

private:
  SqliteStatement(sqlite3* db, sqlite3_stmt* statement) : m_db(db), m_statement(statement) {}
  sqlite3* m_db;
  sqlite3_stmt* m_statement;
};

// Runs SQL without results (BEGIN, COMMIT, ...). Errors: io.
[[nodiscard]] payload::Status sqlite_exec(sqlite3* db, const char* sql);

}  // namespace as2d
