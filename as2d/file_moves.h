// as2d moving files between the folders of one file system (outbox -> queue -> sent or
// failed) so that a crash leaves each file under exactly one name: rename(2) without
// replacing (a name taken becomes "name-1.ext", ...), then fsync of both directories.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace as2d {

// Moves `from` into `dir` (created if missing) as `name` or the first free "name-N.ext".
// Returns the new path. Errors: io.
[[nodiscard]] payload::Result<std::filesystem::path> move_unique(const std::filesystem::path& from,
                                                                 const std::filesystem::path& dir, std::string_view name);

// The first of dir/name, dir/name-1.ext, ... that does not exist (dir created if missing).
// Errors: io.
[[nodiscard]] payload::Result<std::filesystem::path> free_path(const std::filesystem::path& dir, std::string_view name);

// Renames `from` to `to`, never replacing a file there (Errc::io, "exists"), then fsyncs
// both directories. Errors: io.
[[nodiscard]] payload::Status move_no_replace(const std::filesystem::path& from, const std::filesystem::path& to);

// Writes `bytes` to dir/name atomically (a hidden temporary as the inbox uses, fsync,
// rename, fsync of the directory), replacing an older file of that name. Errors: io.
[[nodiscard]] payload::Status write_beside(const std::filesystem::path& dir, const std::string& name, std::string_view bytes);

}  // namespace as2d
