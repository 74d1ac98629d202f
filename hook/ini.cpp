// payload hook policy files: the INI reader.
#include "ini.h"

#include <algorithm>

#include <payload/io/file.h>

namespace payload::hook {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace

Result<std::vector<IniSection>> parse_ini(std::string_view text, const std::string& origin) {
  std::vector<IniSection> sections;
  int number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++number;
    const auto line = trim(raw);
    const auto where = origin + ":" + std::to_string(number) + ": ";
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return fail(Errc::usage, where + "a section header must end with ']'");
      const auto name = std::string(trim(line.substr(1, line.size() - 2)));
      if (name.empty()) return fail(Errc::usage, where + "empty section name");
      if (std::any_of(sections.begin(), sections.end(), [&](const IniSection& s) { return s.name == name; }))
        return fail(Errc::usage, where + "section [" + name + "] appears twice");
      sections.push_back(IniSection{name, number, {}});
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return fail(Errc::usage, where + "expected 'key = value' or '[section]'");
    if (sections.empty()) return fail(Errc::usage, where + "a key outside any [section]");
    const auto key = std::string(trim(line.substr(0, eq)));
    if (key.empty()) return fail(Errc::usage, where + "empty key");
    auto& entries = sections.back().entries;
    if (std::any_of(entries.begin(), entries.end(), [&](const IniEntry& e) { return e.key == key; }))
      return fail(Errc::usage, where + key + " is set twice in [" + sections.back().name + "]");
    entries.push_back(IniEntry{key, std::string(trim(line.substr(eq + 1))), number});
  }
  return sections;
}

Result<std::vector<IniSection>> read_ini(const std::filesystem::path& file) {
  auto text = io::read_file(file);
  if (!text) return fail(Errc::usage, text.error().message());
  return parse_ini(*text, file.string());
}

}  // namespace payload::hook
