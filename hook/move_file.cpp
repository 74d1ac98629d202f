// payload hook moves.
#include "move_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include <payload/io/file.h>

#include "inbox.h"  // as2d::fsync_directory

namespace payload::hook {
namespace {

Status copy_then_remove(const std::filesystem::path& from, const std::filesystem::path& to) {
  auto in = io::InputFile::open(from);
  if (!in) return fail(in.error());
  auto out = io::AtomicFile::create(to, false);
  if (!out) return fail(out.error());
  std::vector<char> buffer(256 * 1024);
  for (;;) {
    const auto n = ::read(in->input().fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(io::errno_error(from.string(), errno));
    if (n == 0) break;
    if (auto w = out->write(std::span<const char>(buffer.data(), static_cast<std::size_t>(n))); !w) return w;
  }
  if (auto done = out->finish(); !done) return done;
  if (::unlink(from.c_str()) != 0) return fail(io::errno_error(from.string(), errno));
  return as2d::fsync_directory(from.parent_path());
}

}  // namespace

Status move_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EXDEV) return copy_then_remove(from, to);
    return fail(io::errno_error(from.string() + " -> " + to.parent_path().string(), errno));
  }
  if (auto synced = as2d::fsync_directory(to.parent_path()); !synced) return synced;
  return as2d::fsync_directory(from.parent_path());
}

}  // namespace payload::hook
