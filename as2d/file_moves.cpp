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

namespace {

// "name.ext" -> "name-N.ext".
std::string numbered(const std::string& name, unsigned n) {
  const auto dot = name.rfind('.');
  const auto suffix = "-" + std::to_string(n);
  if (dot == std::string::npos || dot == 0) return name + suffix;
  return name.substr(0, dot) + suffix + name.substr(dot);
}

payload::Status sync_directory(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) return fail(errno_error(dir.string() + ": fsync", errno));
  return {};
}

}  // namespace

payload::Result<std::filesystem::path> move_unique(const std::filesystem::path& from, const std::filesystem::path& dir,
                                                   std::string_view name) {
  if (auto made = ensure_directory(dir); !made) return fail(made.error());
  const std::string base(name);
  for (unsigned n = 0; n < 10000; ++n) {
    const auto target = dir / (n == 0 ? base : numbered(base, n));
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno == EEXIST) continue;
      return fail(errno_error(from.string() + " -> " + target.string(), errno));
    }
    if (auto synced = sync_directory(dir); !synced) return fail(synced.error());
    if (auto synced = sync_directory(from.parent_path()); !synced) return fail(synced.error());
    return target;
  }
  return fail(Errc::io, (dir / base).string() + ": 10000 files of that name exist already");
}

payload::Status write_beside(const std::filesystem::path& dir, const std::string& name, std::string_view bytes) {
  auto file = payload::io::AtomicFile::create(dir / name, true);
  if (!file) return fail(file.error());
  if (auto written = file->write(bytes); !written) return fail(written.error());
  return file->finish();
}

}  // namespace as2d
