// payload hook moves: a file to another folder without ever replacing what is there,
// durably (both folders fsync'ed), also across file systems.
#pragma once

#include <filesystem>

#include <payload/core/error.h>

namespace payload::hook {

// rename(2) with RENAME_NOREPLACE; across file systems (EXDEV) a copy through an
// io::AtomicFile (temp, fsync, link without replacing) and then the source is removed.
// Errors: io ("exists" when `to` is taken).
Status move_file(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace payload::hook
