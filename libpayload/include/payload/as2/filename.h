// payload::as2 filenames: the payload's Content-Disposition filename (RFC 2183), which a
// backend may use to store the file (i05 8.5.4 illegal-filename; Drummond FN profiles).
//
// The rules are strict on purpose: a partner controls the name, and a name that would
// leave the inbox directory or confuse a shell or a file system is refused, not repaired.
#pragma once

#include <string_view>

#include <payload/core/error.h>

namespace payload::as2 {

inline constexpr std::size_t max_filename_length = 255;

// Errors (Errc::bad_data, saying which rule): empty or longer than 255 bytes; a '/' or
// '\' (no directories, no "../"); a control character (0x00-0x1F, 0x7F); a leading '.'
// (hidden files, "." and ".."); invalid UTF-8.
[[nodiscard]] Status check_filename(std::string_view name);

}  // namespace payload::as2
