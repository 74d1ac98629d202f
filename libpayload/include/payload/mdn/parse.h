// payload::mdn parsing: an MDN as it arrives over HTTP (the sync response or the async
// POST), its signature verified against the partner's certificates, its fields read.
//
// Real MDNs vary (as2-field-notes §1.3, T10): recipients without "rfc822;", no
// Original-Recipient, field names in any case ("Received-content-MIC"), folded or wrapped
// MICs, extra spaces in Disposition, RFC 3798 Error:/Warning:/Failure: fields, blank lines
// between field groups, nested boundaries with extra dashes. All are read here; only
// what makes the MDN meaningless (no Disposition, no Original-Message-ID) is refused.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <payload/cms/certificate.h>
#include <payload/cms/verify.h>
#include <payload/core/error.h>
#include <payload/mdn/disposition.h>
#include <payload/mdn/mic.h>
#include <payload/mdn/recipient.h>
#include <payload/mime/header.h>

namespace payload::mdn {

enum class SignatureStatus {
  unsigned_mdn,  // a bare multipart/report
  verified,      // multipart/signed, and the signature verified against a partner certificate
  invalid,       // multipart/signed, and the signature did not verify (see signature_error)
};

struct MdnReport {
  // The MDN's HTTP headers (absent when the partner sent none).
  std::optional<std::string> message_id;  // its own Message-ID (optional, i05 8.4.4)
  std::optional<std::string> as2_from;
  std::optional<std::string> as2_to;
  std::optional<std::string> as2_version;

  // The signature.
  SignatureStatus signature = SignatureStatus::unsigned_mdn;
  std::optional<cms::VerifyReport> signer;   // when verified: who signed, with which digest
  std::optional<Error> signature_error;      // when invalid: why (bad_signature, no_key, ...)
  std::optional<std::string> micalg;         // the multipart/signed micalg parameter, as written

  // The notification (RFC 8098 3.2, i05 8.4.4).
  std::optional<std::string> reporting_ua;
  std::optional<Recipient> original_recipient;
  std::optional<Recipient> final_recipient;  // MUST be present, but some partners omit it
  std::string original_message_id;           // as written, brackets included when sent
  Disposition disposition;                   // historic Error:/Warning:/Failure: merged in
  std::optional<Mic> mic;                    // Received-Content-MIC
  std::string explanation;                   // the first text/* part, decoded ("" if none)
  mime::Headers fields;                      // every notification field, in order

  [[nodiscard]] bool is_signed() const noexcept { return signature != SignatureStatus::unsigned_mdn; }
};

struct MdnParseOptions {
  // Digests and validity checks for the MDN signature; allow sha1 for a legacy partner.
  cms::VerifyOptions verify;
};

// Parses an MDN from HTTP headers (unfolded (name, value) pairs; the MIME ones rebuild
// the entity, mime::entity_from_http) and the HTTP body. A multipart/signed MDN is
// verified with cms::verify_detached over the exact bytes of its first part against
// `partner_certificates` (several during a certificate rollover); the outcome goes into
// the report, it is not an error here: check_mdn turns it into one.
// Errors (Errc::bad_data): not an MDN (no body, text/html, no message/disposition-
// notification part), malformed MIME, a multipart/signed without two parts, no or an
// unreadable Disposition, no Original-Message-ID, an unreadable Received-Content-MIC or
// recipient field; Errc::unsupported: a MIC algorithm we do not know.
[[nodiscard]] Result<MdnReport> parse_mdn(std::span<const std::pair<std::string, std::string>> http_headers,
                                          std::string body,
                                          const std::vector<cms::Certificate>& partner_certificates,
                                          const MdnParseOptions& options = {});

}  // namespace payload::mdn
