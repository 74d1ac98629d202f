// as2d's SQLite database (data_dir/as2d.sqlite), shared by the message store, the
// outbound store and `payload as2 send` in other processes: WAL journal (readers never
// wait for the writer), synchronous=FULL (a commit is on disk when it returns), and a
// busy timeout so that two processes writing at once wait instead of failing.
#pragma once

#include <filesystem>
#include <memory>

#include <payload/core/error.h>

namespace Poco::Data {
class Session;
}

namespace as2d {

// Errors: io (the directory is missing, the file cannot be opened or is no database).
[[nodiscard]] payload::Result<std::unique_ptr<Poco::Data::Session>> open_sqlite(const std::filesystem::path& file);

}  // namespace as2d
