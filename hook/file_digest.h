// payload hook: the size and SHA-256 of a file, for the audit trail and the .reason file.
#pragma once

#include <filesystem>

#include "audit_trail.h"

namespace payload::hook {

// Reads the file once in 256 KiB chunks (constant memory). A file that cannot be read
// gives facts with its name only (size 0, empty sha256): the audit line still goes out.
[[nodiscard]] FileFacts file_facts(const std::filesystem::path& file);

}  // namespace payload::hook
