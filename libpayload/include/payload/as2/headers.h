// payload::as2 request headers: the AS2 fields of an outgoing message, and what a
// received message's HTTP headers say (RFC 4130 6, i05 6.1-6.3, 5.3.3, 8.3).
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <payload/as2/version.h>
#include <payload/core/error.h>
#include <payload/mime/builder.h>

namespace payload::as2 {

using HttpFields = std::vector<std::pair<std::string, std::string>>;

struct OutgoingHeaders {
  std::string from;  // our AS2 id (unquoted; quoted on the wire only when needed)
  std::string to;    // the partner's AS2 id
  // Empty: generated with generate_message_id(message_id_host). Otherwise sent as
  // given after check_message_id (brackets included by the caller).
  std::string message_id;
  std::string message_id_host = "libpayload.localdomain";
  std::string subject = "AS2 message";
  // Empty: the current time.
  std::optional<std::chrono::system_clock::time_point> date;
  // 1.3 sends AS2-Product too (i05 6.2). 1.2 is refused: it declares an EDIINT-Features
  // header (RFC 6017), and this library implements none of the features partners
  // declare there (multiple-attachments, CEM, AS2-Reliability), so it sends none.
  As2Version version = As2Version::v1_3;
};

// The AS2 header fields: AS2-Version, [AS2-Product,] AS2-From, AS2-To, Message-ID,
// Date, Subject; never folded. Returns the Message-ID actually used in `message_id`.
// Errors (Errc::usage): invalid names, Message-ID or host, version 1.2, a value failing
// check_header_value.
[[nodiscard]] Result<std::vector<mime::FieldSpec>> as2_header_fields(const OutgoingHeaders& headers,
                                                                     std::string& message_id);

// The AS2 headers of a received message, as found (values unfolded).
struct ReceivedHeaders {
  std::string version_text;              // raw AS2-Version; empty when absent (= 1.0)
  std::optional<As2Version> version;     // parsed; 1.0 when absent, nullopt when unknown
  std::string product;                   // AS2-Product, if any
  std::string from, to;                  // unquoted ids
  std::string from_raw, to_raw;          // as written (quotes kept) for echoing in the MDN
  std::string message_id;                // byte for byte, for Original-Message-ID
  std::string date, subject;
  std::optional<std::string> disposition_notification_to;       // presence = MDN requested
  std::optional<std::string> disposition_notification_options;  // raw; parsed by the mdn module
  std::optional<std::string> receipt_delivery_option;           // presence = asynchronous MDN
  std::vector<std::string> ediint_features;                     // RFC 6017 tokens, unknown ones kept

  [[nodiscard]] bool mdn_requested() const noexcept { return disposition_notification_to.has_value(); }
  [[nodiscard]] bool async_mdn() const noexcept { return receipt_delivery_option.has_value(); }
};

// The first value of a header, case-insensitive name; nullopt when absent.
[[nodiscard]] std::optional<std::string> find_field(std::span<const std::pair<std::string, std::string>> fields,
                                                    std::string_view name);

}  // namespace payload::as2
