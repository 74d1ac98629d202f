// payload::mdn building: the MDN a receiver returns for an AS2 message (RFC 4130 7.4,
// i05 8.1, 8.4), signed or not, ready for an HTTP response (sync) or POST (async).
//
// The body is a multipart/report; report-type=disposition-notification (RFC 6522) with a
// human-readable text/plain part and a message/disposition-notification part (RFC 8098).
// A signed MDN is a multipart/signed (RFC 1847, RFC 8551 3.5) whose first part is that
// multipart/report entity, its MIME headers included (i05 8.1 steps 5-7, 8.4.2).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <payload/cms/private_key.h>
#include <payload/cms/sign.h>
#include <payload/core/error.h>
#include <payload/mdn/disposition.h>
#include <payload/mdn/mic.h>

namespace payload::mdn {

// HTTP header fields as (name, value) pairs, values unfolded: the form HTTP servers hand
// over and mime::entity_from_http takes.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// What the MDN answers: the request's header values as received (unfolded, outer
// whitespace removed), so they can be echoed exactly.
struct MdnRequest {
  std::string message_id;  // Message-ID: echoed byte for byte in Original-Message-ID (i05 8.4.4, T3)
  std::string as2_from;    // AS2-From (the partner): becomes the MDN's AS2-To
  std::string as2_to;      // AS2-To (us): the MDN's AS2-From and the recipient fields
};

// What the MDN says.
struct MdnContent {
  Disposition disposition = processed();
  // Received-Content-MIC; written only when disposition.is_success() (i05 8.4.3: only when
  // the content was processed successfully), ignored otherwise.
  std::optional<Mic> mic;
  // The human-readable part (i05 8.4.3: the new modifiers MUST be explained). Empty: a
  // sentence made from the disposition. Line ends become CRLF; non-ASCII text is sent as
  // UTF-8 with 8bit, ASCII as us-ascii with 7bit.
  std::string explanation;
  std::string reporting_ua = "payload";  // Reporting-UA (RFC 8098 3.2.1); empty: none
  // Write Original-Recipient as well as Final-Recipient (what partners expect; some
  // crash without it, django-pyas2 #52).
  bool original_recipient = true;
};

struct MdnSigning {
  cms::Identity signer;
  // options.digest is the MDN's micalg: ReceiptSigning::mic_algorithm.
  cms::SignOptions options;
};

// How the MDN is written.
struct MdnOptions {
  std::optional<MdnSigning> signing;  // signed MDN when set
  MicalgSpelling spelling = MicalgSpelling::rfc5751;  // micalg parameter and MIC algorithm name
  // AS2-Version (i05 6.1).
  std::string as2_version = "1.3";
  // AS2-Product "[PEN-n:]name:version", always sent (i05 6.2: MUST when declaring 1.3);
  // empty: "payload:<version of this build>".
  std::string as2_product;
  std::vector<std::string> ediint_features;  // EDIINT-Features (RFC 6017) when not empty
  std::string message_id;                    // the MDN's own Message-ID; empty: generated
  std::string message_id_domain = "payload";  // right side of a generated Message-ID
  std::string subject = "Message Disposition Notification";
  std::optional<std::chrono::system_clock::time_point> date;  // Date; empty: now
};

struct BuiltMdn {
  // AS2-Version, AS2-Product, EDIINT-Features, AS2-From, AS2-To, Message-ID, Date, Subject
  // (i05 8.2: AS2-From/To swapped, own Message-ID). Never folded (T1).
  HttpHeaders as2_headers;
  // MIME-Version and Content-Type of the outermost entity: its headers travel as HTTP
  // headers (RFC 4130 5.2).
  HttpHeaders mime_headers;
  std::string body;        // the HTTP body: the multipart body of that entity
  std::string message_id;  // the MDN's Message-ID as written, "<...>"

  // as2_headers then mime_headers.
  [[nodiscard]] HttpHeaders headers() const;
};

// Builds the MDN. Errors:
//   bad_data   a request value that cannot be echoed: AS2-From/AS2-To empty, longer than
//              128 characters, with control or 8-bit bytes; a Message-ID with CR, LF or NUL
//              or too long for one line (the caller answers such a request otherwise)
//   usage      a caller value that cannot be written: line breaks in the disposition or
//              an AS2 header, an empty AS2-Version, an explanation with NUL, a MIC whose
//              length does not fit its algorithm, a bad MDN Message-ID or domain, or what
//              cms::sign_detached refuses (policy: legacy digest, key and certificate)
//   internal   signing or randomness failed
[[nodiscard]] Result<BuiltMdn> build_mdn(const MdnRequest& request, const MdnContent& content,
                                         const MdnOptions& options = {});

}  // namespace payload::mdn
