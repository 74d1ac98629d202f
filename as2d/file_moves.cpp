// as2d moving files between folders.
#include "file_moves.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>

#include <payload/io/file.h>

#include "inbox.h"

namespace as2d {

using payload::Errc;
using payload::fail;
using payload::io::errno_error;
using payload::io::UniqueFd;


payload::Result<std::filesystem::path> move_unique(const std::filesystem::path& from, const std::filesystem::path& dir,
                                                   std::string_view name) {
  if (auto made = ensure_directory(dir); !made) return fail(made.error());
  const std::string base(name);
  for (unsigned n = 0; n < 10000; ++n) {
    const auto target = dir / (n == 0 ? base : numbered_name(base, n));
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST) continue;
      return fail(errno_error(from.string() + " -> " + target.string(), errno));
    }
    if (auto synced = fsync_directory(dir); !synced) return fail(synced.error());
    if (auto synced = fsync_directory(from.parent_path()); !synced) return fail(synced.error());
    return target;
  }
  return fail(Errc::io, (dir / base).string() + ": 10000 files of that name exist already");
}

payload::Result<std::filesystem::path> free_path(const std::filesystem::path& dir, std::string_view name) {
  if (auto made = ensure_directory(dir); !made) return fail(made.error());
  const std::string base(name);
  for (unsigned n = 0; n < 10000; ++n) {
    const auto candidate = dir / (n == 0 ? base : numbered_name(base, n));
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(candidate, ec))) return candidate;
  }
  return fail(Errc::io, (dir / base).string() + ": 10000 files of that name exist already");
}

payload::Status move_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0)
    return fail(errno_error(from.string() + " -> " + to.string(), errno));
  if (auto synced = fsync_directory(to.parent_path()); !synced) return fail(synced.error());
  return fsync_directory(from.parent_path());
}

payload::Status write_beside(const std::filesystem::path& dir, const std::string& name, std::string_view bytes) {
  // A hidden temporary of the inbox's kind: never taken for a file of its own, and
  // removed by remove_stale_temporaries() when a crash left it.
  std::string temp = (dir / (std::string(inbox_temp_prefix) + "XXXXXX" + std::string(inbox_temp_suffix))).string();
  UniqueFd fd(::mkostemps(temp.data(), static_cast<int>(inbox_temp_suffix.size()), O_CLOEXEC));
  if (!fd.valid()) return fail(errno_error(dir.string(), errno));
  const auto target = dir / name;
  auto written = payload::io::write_all(fd.get(), bytes);
  if (written && ::fsync(fd.get()) != 0) written = fail(errno_error(temp + ": fsync", errno));
  if (written && ::rename(temp.c_str(), target.c_str()) != 0) written = fail(errno_error(target.string(), errno));
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  return fsync_directory(dir);
}

}  // namespace as2d
