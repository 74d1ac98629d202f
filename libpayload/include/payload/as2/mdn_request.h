// payload::as2 MDN request, sender side: the Disposition-Notification-To,
// Disposition-Notification-Options and Receipt-Delivery-Option headers that ask the
// partner for a receipt (RFC 4130 7.3, i05 8.3). Parsing them on the receiving side
// belongs to the mdn module.
#pragma once

#include <string>
#include <vector>

#include <payload/cms/algorithms.h>
#include <payload/core/error.h>
#include <payload/mdn/mic.h>
#include <payload/mime/builder.h>

namespace payload::as2 {

struct MdnRequest {
  // Disposition-Notification-To: its presence asks for an MDN; the value is never
  // interpreted by the receiver (i05 8.3). An AS2 id or mail address is customary.
  std::string notification_to;
  // Ask for a signed receipt with these MIC algorithms, strongest first (i05 8.3:
  // SHOULD list the strongest first, ideally one). Empty: an unsigned receipt.
  std::vector<cms::DigestAlg> signed_receipt_micalgs;
  // Receipt-Delivery-Option: the URL for an asynchronous MDN; empty for a synchronous
  // one (RFC 4130 7.3). Must be "scheme://..." without spaces.
  std::string async_url;
  // How the micalgs are spelled ("sha-256" or, for old partners, "sha256").
  mdn::MicalgSpelling spelling = mdn::MicalgSpelling::rfc5751;
};

// The header fields, in the order above. The options are written by
// mdn::format_notification_options with "optional" importance (RFC 4130 7.3 item 2, i05
// 8.3 RECOMMEND it). Errors (Errc::usage): an empty
// notification_to, a value failing check_header_value, a URL that is not "scheme://...",
// an MD5 or SHA-1 micalg (weak MICs are only accepted, never requested).
[[nodiscard]] Result<std::vector<mime::FieldSpec>> mdn_request_fields(const MdnRequest& request);

}  // namespace payload::as2
