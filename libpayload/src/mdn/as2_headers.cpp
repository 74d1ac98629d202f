// payload::mdn private: Date and Message-ID values.
#include "as2_headers.h"

#include <openssl/rand.h>

#include <array>
#include <ctime>

#include "text.h"

namespace payload::mdn::detail {

namespace {

constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::size_t kMaxMessageId = 998;

std::string two_digits(int value) {
  std::string out = std::to_string(value);
  return out.size() < 2 ? '0' + out : out;
}

// i05 5.3.3: no spaces or control characters; brackets and '@' delimit, so not inside.
bool is_id_char(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  return b > 0x20 && b < 0x7f && c != '<' && c != '>';
}

}  // namespace

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  std::string out(kDays[static_cast<std::size_t>(tm.tm_wday) % 7]);
  out += ", " + std::to_string(tm.tm_mday) + ' ' + std::string(kMonths[static_cast<std::size_t>(tm.tm_mon) % 12]) +
         ' ' + std::to_string(tm.tm_year + 1900) + ' ' + two_digits(tm.tm_hour) + ':' + two_digits(tm.tm_min) + ':' +
         two_digits(tm.tm_sec) + " +0000";
  return out;
}

Result<std::string> generate_message_id(std::string_view domain) {
  if (domain.empty()) return fail(Errc::usage, "Message-ID domain is empty");
  for (const char c : domain) {
    if (!is_id_char(c) || c == '@') {
      return fail(Errc::usage, "Message-ID domain '" + excerpt(domain) + "' has a character IDs must not contain");
    }
  }
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) return fail(Errc::internal, "no randomness for a Message-ID");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (const unsigned char b : random) {
    hex += kHex[b >> 4];
    hex += kHex[b & 0x0f];
  }
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return bracket_message_id(std::to_string(millis) + '.' + hex + '@' + std::string(domain));
}

Result<std::string> bracket_message_id(std::string_view id) {
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  if (id.empty()) return fail(Errc::usage, "Message-ID is empty");
  for (const char c : id) {
    if (!is_id_char(c)) return fail(Errc::usage, "Message-ID '" + excerpt(id) + "' has a space, control or bracket");
  }
  if (id.size() + 2 > kMaxMessageId) return fail(Errc::usage, "Message-ID is longer than 998 characters");
  return '<' + std::string(id) + '>';
}

}  // namespace payload::mdn::detail
