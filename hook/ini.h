// payload hook policy files: a small INI reader that keeps what Poco's
// IniFileConfiguration loses for a policy file: the order of sections, and the line of
// every key, so that a configuration error names the exact place.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <payload/core/error.h>

namespace payload::hook {

struct IniEntry {
  std::string key;
  std::string value;
  int line = 0;
};

struct IniSection {
  std::string name;
  int line = 0;
  std::vector<IniEntry> entries;
};

// Parses "[section]" headers and "key = value" lines; '#' and ';' start comment lines;
// blank lines are ignored; a value may not continue over lines. Keys outside a section,
// duplicate sections or keys, and lines of any other shape are errors (Errc::usage,
// "FILE:LINE: why").
Result<std::vector<IniSection>> parse_ini(std::string_view text, const std::string& origin);
Result<std::vector<IniSection>> read_ini(const std::filesystem::path& file);

}  // namespace payload::hook
