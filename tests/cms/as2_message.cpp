// Test-only AS2 message reader (see as2_message.h).
#include "as2_message.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace payload::test {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

std::string Entity::header(const std::string& name) const {
  const auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

std::string Entity::media_type() const {
  const std::string ct = header("content-type");
  return lower(trim(ct.substr(0, ct.find(';'))));
}

std::string Entity::param(const std::string& name) const {
  const std::string ct = header("content-type");
  std::size_t at = 0;
  while ((at = ct.find(';', at)) != std::string::npos) {
    ++at;
    const auto eq = ct.find('=', at);
    if (eq == std::string::npos) break;
    if (lower(trim(std::string_view(ct).substr(at, eq - at))) != lower(name)) continue;
    std::string value = trim(std::string_view(ct).substr(eq + 1, ct.find(';', eq) - eq - 1));
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return {};
}

std::string Entity::decoded_body() const {
  return lower(trim(header("content-transfer-encoding"))) == "base64" ? base64_decode(body) : body;
}

Entity parse_entity(std::string_view raw) {
  Entity e;
  std::size_t at = 0;
  std::string last;
  for (;;) {
    const auto eol = raw.find('\n', at);
    if (eol == std::string_view::npos) throw std::runtime_error("no end of the header block");
    std::string_view line = raw.substr(at, eol - at);
    at = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if ((line.front() == ' ' || line.front() == '\t') && !last.empty()) {
      e.headers[last] += " " + trim(line);
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) throw std::runtime_error("bad header line");
    last = lower(std::string(line.substr(0, colon)));
    e.headers[last] = trim(line.substr(colon + 1));
  }
  e.body = std::string(raw.substr(at));
  return e;
}

std::vector<std::string> multipart_parts(std::string_view body, const std::string& boundary) {
  const std::string delimiter = "--" + boundary;
  std::vector<std::string> parts;
  auto at = body.find(delimiter);
  if (at == std::string_view::npos) throw std::runtime_error("no first delimiter");
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") break;  // close delimiter
    at = body.find('\n', at) + 1;           // rest of the delimiter line
    const auto next = body.find("\r\n" + delimiter, at);
    if (next == std::string_view::npos) throw std::runtime_error("no closing delimiter");
    parts.emplace_back(body.substr(at, next - at));
    at = next + 2;
  }
  return parts;
}

std::string base64_decode(std::string_view text) {
  std::string out;
  unsigned int buffer = 0;
  int bits = 0;
  for (const char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else continue;  // line breaks, padding
    buffer = (buffer << 6) | static_cast<unsigned int>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned int n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i < bytes.size()) {
    unsigned int n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[n >> 18];
    out += alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace payload::test
