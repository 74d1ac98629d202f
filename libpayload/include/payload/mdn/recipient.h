// payload::mdn recipients: the Original-Recipient and Final-Recipient fields of an MDN
// (RFC 8098 3.2.3, 3.2.4: `address-type ";" generic-address`), and the quoting of the AS2
// names that fill them (RFC 4130 6.2, i05 6.3).
//
// In AS2 the address is the receiver's AS2 name (the request's AS2-To), written
// "rfc822; PEER_B". Names with spaces travel quoted, and the MDN echoes the partner's
// form: `Final-Recipient: rfc822; "AS2 Test"` keeps the quotes (i05 A.4, T2).
#pragma once

#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace payload::mdn {

struct Recipient {
  std::string address_type = "rfc822";  // lowercased; empty when the partner wrote none
  std::string address;                  // the generic-address as written (quotes kept), trimmed

  // The AS2 name: `address` unquoted (\-escapes undone). Errors (Errc::bad_data): an
  // unterminated quoted-string.
  [[nodiscard]] Result<std::string> as2_name() const;
  // "rfc822; address" ("address" alone when address_type is empty).
  [[nodiscard]] std::string to_string() const;
};

// Reads a recipient field value. Tolerated (as2-field-notes §1.3): no address type at all
// ("PEER_B", SEEBURGER), no space after ';', extra spaces. A ';' inside a leading quoted
// name is not taken for the type separator.
// Errors (Errc::bad_data): an empty address.
[[nodiscard]] Result<Recipient> parse_recipient(std::string_view value);

// An AS2 name as it goes into AS2-From, AS2-To or a recipient field: unchanged when it
// is an AS2 atomic name (printable ASCII without space, '"' and '\'), otherwise quoted
// with '"' and '\' escaped (RFC 4130 6.2: quote only when needed).
// Errors (Errc::usage): empty, longer than 128 characters, or a control or 8-bit byte.
[[nodiscard]] Result<std::string> quote_as2_name(std::string_view name);

// The form to echo in an MDN for a name as the partner wrote it in a header (`as_sent`,
// unfolded): a quoted-string is kept byte for byte, anything else goes through
// quote_as2_name. Errors: those of quote_as2_name (as bad_data: the value is the
// partner's), an unterminated quoted-string.
[[nodiscard]] Result<std::string> echo_as2_name(std::string_view as_sent);

}  // namespace payload::mdn
