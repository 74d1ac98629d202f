// payload::mdn recipients and AS2 name quoting.
#include <payload/mdn/recipient.h>

#include "text.h"

namespace payload::mdn {

namespace {

// RFC 4130 6.2 AS2-atomic-char: printable US-ASCII except space, '"' and '\'.
constexpr bool is_atomic_char(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  return b > 0x20 && b < 0x7f && c != '"' && c != '\\';
}

// address-type = atom (RFC 8098 3.2.3): letters, digits and the atext specials we expect.
constexpr bool is_type_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '+';
}

constexpr std::size_t max_as2_name = 128;  // RFC 4130 6.2: 1*128

}  // namespace

Result<std::string> Recipient::as2_name() const { return detail::unquote(address); }

std::string Recipient::to_string() const { return address_type.empty() ? address : address_type + "; " + address; }

Result<Recipient> parse_recipient(std::string_view value) {
  const std::string_view text = detail::trim(value);
  Recipient recipient;
  recipient.address_type.clear();
  std::string_view address = text;
  if (!text.empty() && text.front() != '"') {
    if (const std::size_t semicolon = text.find(';'); semicolon != std::string_view::npos) {
      const std::string_view type = detail::trim(text.substr(0, semicolon));
      bool atom = !type.empty();
      for (const char c : type) atom = atom && is_type_char(c);
      // "PEER;B" (an AS2 name may hold ';') has a type only if the left side is an atom.
      if (atom) {
        recipient.address_type = detail::lowercase(type);
        address = detail::trim(text.substr(semicolon + 1));
      }
    }
  }
  if (address.empty()) return fail(Errc::bad_data, "recipient field '" + detail::excerpt(text) + "' has no address");
  recipient.address = std::string(address);
  return recipient;
}

Result<std::string> quote_as2_name(std::string_view name) {
  if (name.empty()) return fail(Errc::usage, "AS2 name is empty");
  if (name.size() > max_as2_name) {
    return fail(Errc::usage, "AS2 name '" + detail::excerpt(name) + "' is longer than 128 characters");
  }
  bool atomic = true;
  for (const char c : name) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b > 0x7e) return fail(Errc::usage, "AS2 name '" + detail::excerpt(name) + "' has a control or 8-bit byte");
    atomic = atomic && is_atomic_char(c);
  }
  if (atomic) return std::string(name);
  return '"' + detail::escape_quoted(name) + '"';
}

Result<std::string> echo_as2_name(std::string_view as_sent) {
  const std::string_view text = detail::trim(as_sent);
  if (!text.empty() && text.front() == '"') {
    auto name = detail::unquote(text);  // checks that it is one well-formed quoted-string
    if (!name) return fail(name.error());
    if (name->empty() || name->size() > max_as2_name) {
      return fail(Errc::bad_data, "AS2 name '" + detail::excerpt(text) + "' is empty or longer than 128 characters");
    }
    if (!detail::is_printable_ascii(text)) {
      return fail(Errc::bad_data, "AS2 name '" + detail::excerpt(text) + "' has a control or 8-bit byte");
    }
    return std::string(text);
  }
  auto quoted = quote_as2_name(text);
  if (!quoted) return fail(Errc::bad_data, quoted.error().message());
  return quoted;
}

}  // namespace payload::mdn
