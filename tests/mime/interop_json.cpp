// Test support: the flat JSON reader.
#include "interop_json.h"

#include <stdexcept>

namespace payload::test {
namespace {

class Reader {
public:
  explicit Reader(std::string_view text) : m_text(text) {}

  void skip_ws() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r' || m_text[m_pos] == '\t')) ++m_pos;
  }
  char peek() {
    skip_ws();
    if (m_pos >= m_text.size()) throw std::runtime_error("JSON ends early");
    return m_text[m_pos];
  }
  void expect(char c) {
    if (peek() != c) throw std::runtime_error(std::string("JSON: expected '") + c + "' at offset " + std::to_string(m_pos));
    ++m_pos;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (m_pos < m_text.size()) {
      const char c = m_text[m_pos++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (m_pos >= m_text.size()) break;
      const char e = m_text[m_pos++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '"': case '\\': case '/': out += e; break;
        default: throw std::runtime_error(std::string("JSON: unsupported escape \\") + e);
      }
    }
    throw std::runtime_error("JSON: unterminated string");
  }
  std::string literal() {
    skip_ws();
    const std::size_t begin = m_pos;
    while (m_pos < m_text.size() && m_text[m_pos] != ',' && m_text[m_pos] != '}' && m_text[m_pos] != ']' &&
           m_text[m_pos] != ' ' && m_text[m_pos] != '\n' && m_text[m_pos] != '\r') {
      ++m_pos;
    }
    return std::string(m_text.substr(begin, m_pos - begin));
  }
  // Skips an array or object, strings included.
  void skip_compound() {
    int depth = 0;
    do {
      const char c = peek();
      if (c == '"') {
        string();
        continue;
      }
      if (c == '[' || c == '{') ++depth;
      if (c == ']' || c == '}') --depth;
      ++m_pos;
    } while (depth > 0);
  }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

}  // namespace

FlatJson FlatJson::parse(std::string_view text) {
  FlatJson json;
  Reader reader(text);
  reader.expect('{');
  if (reader.peek() == '}') return json;
  while (true) {
    std::string key = reader.string();
    reader.expect(':');
    Value value{Value::Kind::other, {}};
    const char c = reader.peek();
    if (c == '"') {
      value = {Value::Kind::string, reader.string()};
    } else if (c == '[' || c == '{') {
      reader.skip_compound();
    } else {
      std::string word = reader.literal();
      if (word == "true" || word == "false") {
        value = {Value::Kind::boolean, word};
      } else if (word == "null") {
        value = {Value::Kind::null, word};
      } else if (!word.empty() && (word[0] == '-' || (word[0] >= '0' && word[0] <= '9'))) {
        value = {Value::Kind::number, word};
      } else {
        throw std::runtime_error("JSON: unexpected value '" + word + "'");
      }
    }
    json.m_values[key] = std::move(value);
    if (reader.peek() == ',') {
      reader.expect(',');
      continue;
    }
    reader.expect('}');
    return json;
  }
}

std::optional<std::string> FlatJson::string(const std::string& key) const {
  const auto it = m_values.find(key);
  if (it == m_values.end()) throw std::runtime_error("JSON has no member '" + key + "'");
  if (it->second.kind == Value::Kind::null) return std::nullopt;
  if (it->second.kind != Value::Kind::string) throw std::runtime_error("JSON member '" + key + "' is not a string");
  return it->second.text;
}

bool FlatJson::boolean(const std::string& key) const {
  const auto it = m_values.find(key);
  if (it == m_values.end()) throw std::runtime_error("JSON has no member '" + key + "'");
  if (it->second.kind != Value::Kind::boolean) throw std::runtime_error("JSON member '" + key + "' is not a boolean");
  return it->second.text == "true";
}

std::uint64_t FlatJson::integer(const std::string& key) const {
  const auto it = m_values.find(key);
  if (it == m_values.end()) throw std::runtime_error("JSON has no member '" + key + "'");
  const std::string& text = it->second.text;
  if (it->second.kind != Value::Kind::number || text.find_first_not_of("0123456789") != std::string::npos) {
    throw std::runtime_error("JSON member '" + key + "' is not a non-negative integer");
  }
  return std::stoull(text);
}

}  // namespace payload::test
