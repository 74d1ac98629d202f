// `payload sop` dates and VERIFICATIONS lines.
#include "sop_verifications.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <limits>

#include "common.h"

namespace payload::cli::sop {
namespace {

class Cursor final {
public:
  explicit Cursor(std::string_view text) : m_text(text) {}
  [[nodiscard]] bool done() const noexcept { return m_pos == m_text.size(); }
  [[nodiscard]] char peek() const noexcept { return done() ? '\0' : m_text[m_pos]; }
  bool take(char c) noexcept {
    if (peek() != c) return false;
    ++m_pos;
    return true;
  }
  std::optional<int> digits(size_t n) noexcept {
    if (m_text.size() - m_pos < n) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < n; ++i) {
      const char c = m_text[m_pos + i];
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    m_pos += n;
    return value;
  }

private:
  std::string_view m_text;
  size_t m_pos = 0;
};

std::optional<std::int64_t> parse_iso8601(std::string_view text) {
  Cursor c(text);
  std::tm tm{};
  const auto year = c.digits(4);
  const bool extended = c.take('-');
  const auto month = c.digits(2);
  if (extended && !c.take('-')) return std::nullopt;
  const auto day = c.digits(2);
  if (!year || !month || !day || *month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  std::int64_t offset = 0;
  if (!c.done()) {
    if (!c.take('T') && !c.take('t') && !c.take(' ')) return std::nullopt;
    const auto hour = c.digits(2);
    const bool colons = c.take(':');
    const auto minute = c.digits(2);
    if (!hour || !minute || *hour > 23 || *minute > 59) return std::nullopt;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    if ((colons && c.take(':')) || (!colons && std::isdigit(static_cast<unsigned char>(c.peek())))) {
      const auto second = c.digits(2);
      if (!second || *second > 60) return std::nullopt;
      tm.tm_sec = *second;
      if (c.take('.') || c.take(',')) {
        if (!std::isdigit(static_cast<unsigned char>(c.peek()))) return std::nullopt;
        while (std::isdigit(static_cast<unsigned char>(c.peek()))) c.take(c.peek());
      }
    }
    if (c.take('Z') || c.take('z')) {
    } else if (c.peek() == '+' || c.peek() == '-') {
      const int sign = c.peek() == '+' ? 1 : -1;
      c.take(c.peek());
      const auto oh = c.digits(2);
      c.take(':');
      const auto om = c.done() ? std::optional<int>(0) : c.digits(2);
      if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
      offset = sign * (*oh * 3600 + *om * 60);
    }
  }
  if (!c.done()) return std::nullopt;
  const std::time_t t = ::timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<std::int64_t>(t) - offset;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

Outcome<std::int64_t> parse_date(const std::string& text, bool end_of_time) {
  if (text == "-") return end_of_time ? std::numeric_limits<std::int64_t>::max() : std::int64_t{0};
  if (text == "now") return static_cast<std::int64_t>(std::time(nullptr));
  if (auto t = parse_iso8601(text)) return *t;
  return failure(exit_unspecified, "not a date (ISO 8601, \"now\" or \"-\"): " + text);
}

Outcome<TimeWindow> time_window(const std::optional<std::string>& not_before, const std::optional<std::string>& not_after) {
  TimeWindow window;
  auto before = parse_date(not_before.value_or("-"), false);
  if (!before) return tl::unexpected(before.error());
  auto after = parse_date(not_after.value_or("now"), true);
  if (!after) return tl::unexpected(after.error());
  window.not_before = *before;
  window.not_after = *after;
  return window;
}

std::string verification_lines(const std::vector<pgp::TypedSignature>& signatures, const std::vector<Imported>& certs,
                               const TimeWindow& window) {
  std::string lines;
  for (const auto& sig : signatures) {
    const auto& r = sig.report;
    if (!r.good() || r.created < window.not_before || r.created > window.not_after) continue;
    std::vector<std::string> signers;
    for (const auto& cert : certs) {
      const bool match = std::any_of(cert.fingerprints.begin(), cert.fingerprints.end(),
                                     [&](const std::string& f) { return f == r.primary_fingerprint || f == r.fingerprint; });
      if (match) signers.push_back(cert.argument);
    }
    if (signers.empty()) continue;  // good, but by a key the caller did not name
    lines += iso_time(r.created) + " " + r.fingerprint + " " + (r.primary_fingerprint.empty() ? r.fingerprint : r.primary_fingerprint);
    if (sig.mode != pgp::SignatureMode::unknown) lines += sig.mode == pgp::SignatureMode::text ? " mode:text" : " mode:binary";
    lines += " {\"signers\":[";
    for (size_t i = 0; i < signers.size(); ++i) lines += (i ? "," : "") + json_string(signers[i]);
    lines += "]}\n";
  }
  return lines;
}

}  // namespace payload::cli::sop
