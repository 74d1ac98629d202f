// as2d's SQLite database.
#include "sqlite_session.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include <payload/io/file.h>

namespace as2d {

using namespace Poco::Data::Keywords;
using payload::Errc;
using payload::fail;

payload::Result<std::unique_ptr<Poco::Data::Session>> open_sqlite(const std::filesystem::path& file) {
  try {
    // POCO retries a failing open until its login timeout (60 s by default): fail fast
    // on the obvious cause, and keep the timeout short for the rest.
    std::error_code ec;
    if (!std::filesystem::is_directory(file.parent_path(), ec))
      return fail(Errc::io, file.string() + ": the directory does not exist");
    // SQLite opens a file it may not write read-only and fails only at the first write (or,
    // in WAL mode, never visibly: the log grows and checkpoints fail): say so at once.
    // access(), not open() + close(): closing any descriptor of the file would drop the
    // POSIX locks another connection of this process holds on it (SQLite's own warning).
    if (::faccessat(AT_FDCWD, file.c_str(), W_OK, AT_EACCESS) != 0 && errno != ENOENT)
      return fail(payload::io::errno_error(file.string() + ": cannot be written", errno));
    Poco::Data::SQLite::Connector::registerConnector();
    auto session = std::make_unique<Poco::Data::Session>("SQLite", file.string(), 5);
    *session << "PRAGMA busy_timeout=10000", now;
    *session << "PRAGMA journal_mode=WAL", now;
    *session << "PRAGMA synchronous=FULL", now;
    return session;
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, file.string() + ": " + e.displayText());
  }
}

}  // namespace as2d
