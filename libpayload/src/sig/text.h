// Private to src/sig: the two text checks recognition needs everywhere.
#pragma once

#include <string_view>

namespace payload::sig::detail {

// `text` without the blank space (spaces, tabs, line ends) in front.
[[nodiscard]] inline std::string_view skip_space(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' || text.front() == '\n'))
    text.remove_prefix(1);
  return text;
}

[[nodiscard]] inline bool starts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace payload::sig::detail
