// Test support: a reader for the flat JSON files that describe the AS2 interop vectors
// (/work/shared/interop/as2/*/NAME.json). Top-level strings, numbers, booleans and nulls
// are kept; arrays and nested objects are skipped. Malformed input throws.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace payload::test {

class FlatJson final {
public:
  static FlatJson parse(std::string_view text);

  [[nodiscard]] bool has(const std::string& key) const { return m_values.count(key) != 0; }
  // A string member; nullopt for null. Throws when the key is missing or not a string/null.
  [[nodiscard]] std::optional<std::string> string(const std::string& key) const;
  // A boolean member. Throws when missing or not a boolean.
  [[nodiscard]] bool boolean(const std::string& key) const;
  // A non-negative integer member. Throws when missing or not such a number.
  [[nodiscard]] std::uint64_t integer(const std::string& key) const;

private:
  struct Value {
    enum class Kind { string, number, boolean, null, other } kind;
    std::string text;
  };
  std::map<std::string, Value> m_values;
};

}  // namespace payload::test
