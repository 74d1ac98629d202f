// payload::mdn Disposition-Notification-Options: how an AS2 sender asks for a signed
// receipt (RFC 4130 7.3, i05 8.3, RFC 8098 2.2), read on the receiving side and written
// on the sending side, and the receiver's choice of signature and MIC algorithm.
//
//   signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha-384
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <payload/cms/algorithms.h>
#include <payload/core/error.h>
#include <payload/mdn/disposition.h>
#include <payload/mdn/mic.h>

namespace payload::mdn {

enum class Importance { required, optional };

// One `attribute=importance, value[, value...]` parameter.
struct NotificationOption {
  std::string attribute;  // lowercased
  Importance importance = Importance::optional;
  std::vector<std::string> values;  // unquoted, trimmed, in order
};

struct NotificationOptions {
  std::vector<NotificationOption> options;  // in order of appearance, one per attribute

  // The parameter with this attribute (case-insensitive), or nullptr.
  [[nodiscard]] const NotificationOption* find(std::string_view attribute) const noexcept;
};

// Reads the header value tolerantly (as2-specs §5): parameters separated by ';' (empty
// ones and a trailing ';' skipped, RFC 4130's own template ends with one); spaces around
// '=', ',' and ';'; names and importance in any case; values as tokens or quoted-strings;
// a quoted value holding a list ("sha-256, sha-384") is split at its commas; a missing
// importance is taken as optional. Unknown attributes are kept: select_receipt_signing
// decides about them.
// Errors (Errc::bad_data): a parameter without '=', an empty attribute, an attribute
// given twice, an unterminated quoted-string.
[[nodiscard]] Result<NotificationOptions> parse_notification_options(std::string_view value);

// Writes the request for a signed receipt: signed-receipt-protocol with pkcs7-signature,
// signed-receipt-micalg with `micalgs` in order (i05 8.3: strongest first, ideally one).
// `optional` is what AS2 RECOMMENDS (4130 7.3 item 2, i05 8.3).
// Errors (Errc::usage): no micalg.
[[nodiscard]] Result<std::string> format_notification_options(std::span<const cms::DigestAlg> micalgs,
                                                              MicalgSpelling spelling = MicalgSpelling::rfc5751,
                                                              Importance importance = Importance::optional);

// What this receiver can sign receipts with.
struct ReceiptPolicy {
  // The algorithms we sign MDNs with, when a partner lists them. Add sha1 (and md5) only
  // for a legacy partner: AS2 1.3 forbids generating them (i05 2.4.2).
  std::vector<cms::DigestAlg> supported_micalgs{cms::DigestAlg::sha256, cms::DigestAlg::sha384,
                                                cms::DigestAlg::sha512};
  // The MIC algorithm when no signed receipt was requested (i05 8.4.3: SHA-256 SHOULD).
  cms::DigestAlg default_mic_algorithm = cms::DigestAlg::sha256;
};

// The receiver's decision.
struct ReceiptSigning {
  // A signed receipt was requested and can be given: sign the MDN with mic_algorithm.
  bool sign = false;
  // The digest of the MDN signature when `sign`, and the MIC algorithm of an unsigned
  // message (Drummond 1Q12 #12: the MIC of an unsigned message uses the requested
  // micalg). A signed message's MIC uses the signer's digest instead (4130 7.4.3, T8).
  cms::DigestAlg mic_algorithm = cms::DigestAlg::sha256;
  // When set, the request cannot be honoured: answer with this failed/failure disposition
  // (unsigned), not with the result of processing (4130 7.5.3, i05 8.5.3).
  std::optional<Disposition> failure;
};

// Chooses per i05 8.3 and RFC 8098 2.2:
// - no options (nullptr): no signed receipt (i05 8.3.1 rule 3), default MIC algorithm;
// - an unknown attribute marked required: failed/failure: unsupported format;
// - a signed receipt needs both signed-receipt-protocol and signed-receipt-micalg
//   (4130 7.3, i05 8.3); with only one of them none is requested;
// - protocol other than pkcs7-signature: required -> failed/failure: unsupported format,
//   optional -> an unsigned receipt;
// - micalg: the FIRST listed value that is in policy.supported_micalgs wins, never an
//   unlisted one; "pkcs7-signature" in that list is not an algorithm (OpenAS2 #60);
//   unknown values are ignored; none supported -> failed/failure: unsupported
//   MIC-algorithms (i05 8.3, 8.5.3).
// A header that does not parse is a request not understood: the caller answers with at
// least an unsigned receipt (i05 8.3.1).
[[nodiscard]] ReceiptSigning select_receipt_signing(const NotificationOptions* options,
                                                    const ReceiptPolicy& policy = {});

}  // namespace payload::mdn
