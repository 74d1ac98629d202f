// payload::as2 Message-ID generation and validation (RFC 4130 5.3.3, i05 5.3.3).
#include <payload/as2/message_id.h>

#include <chrono>
#include <ctime>

#include <payload/core/random.h>

namespace payload::as2 {

Result<std::string> generate_message_id(std::string_view host) {
  if (host.empty() || host.size() > 200) return fail(Errc::usage, "Message-ID host must have 1 to 200 characters");
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_';
    if (!ok) return fail(Errc::usage, "Message-ID host may hold only letters, digits, '-', '.' and '_'");
  }
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &utc);
  // 128 random bits: unique without coordination (i05 5.3.3 SHOULD be globally unique).
  std::string id = "<";
  id += stamp;
  id += '.';
  id += random_hex128();
  id += '@';
  id += host;
  id += '>';
  return id;
}

Status check_message_id(std::string_view value) {
  if (value.empty()) return fail(Errc::bad_data, "empty Message-ID");
  if (value.size() > max_message_id_length)
    return fail(Errc::bad_data, "Message-ID longer than 998 characters (RFC 4130 5.3.3)");
  for (const char c : value) {
    if (c <= 0x20 || c > 0x7e)
      return fail(Errc::bad_data, "Message-ID contains a space, a control character or a non-ASCII byte (i05 5.3.3)");
  }
  const bool open = value.front() == '<';
  const bool close = value.back() == '>';
  if (open != close || (open && value.size() < 3)) return fail(Errc::bad_data, "Message-ID has unbalanced angle brackets");
  const std::string_view inner = open ? value.substr(1, value.size() - 2) : value;
  if (inner.find_first_of("<>") != std::string_view::npos)
    return fail(Errc::bad_data, "Message-ID has '<' or '>' inside the ID");
  return {};
}

std::string_view message_id_value(std::string_view value) noexcept {
  if (value.size() >= 2 && value.front() == '<' && value.back() == '>') return value.substr(1, value.size() - 2);
  return value;
}

}  // namespace payload::as2
