// payload::as2 unpack: takes a received AS2 message apart (RFC 4130 5, 7.3.1; RFC 5402;
// i05 5.2, 7, 8.3.1) and reports everything found, or why it failed in terms of an AS2
// disposition.
//
// Layers are detected from each entity's Content-Type (smime-type confirmed by the CMS
// content type itself) in any order, each at most once: application/pkcs7-mime
// enveloped-data / authEnveloped-data (decrypted with one of our identities, several
// during a certificate rollover), compressed-data (both orders around the signature),
// multipart/signed (verified against the partner's certificates). An HTTP-level
// Content-Transfer-Encoding (libas2 sends base64) is honoured; a missing one means binary
// (RFC 4130 5.2.1). The MIC follows RFC 4130 7.3.1 and RFC 5402 4 over the bytes as
// received: never re-serialised, re-encoded or canonicalised.
//
// Memory: the body is taken over and each layer's output replaces the previous layer's
// buffer. CMS layers of 8 MiB and more are decrypted and decompressed by the streaming CMS
// forms into anonymous spool files in $TMPDIR, which are mapped (io::MappedFile) and
// parsed there instead of being read back. The file forms below take the body from a file
// and write the payload to a file: the message is never read into memory, and the peak is
// the pages of the mapped layers that parsing and verification touch (about the payload
// size once); docs/benchmarks.md "1 GiB AS2 messages" has the figures and what still
// grows with the message.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <payload/as2/headers.h>
#include <payload/as2/outcome.h>
#include <payload/cms/compress.h>
#include <payload/cms/decrypt.h>
#include <payload/cms/verify.h>
#include <payload/core/error.h>
#include <payload/io/file.h>
#include <payload/mdn/mic.h>
#include <payload/mdn/notification_options.h>

namespace payload::as2 {

struct UnpackOptions {
  std::vector<cms::Identity> identities;                 // ours, for decryption
  std::vector<cms::Certificate> partner_certificates;    // the partner's, for verification
  cms::VerifyOptions verify;                             // allowed digests (legacy md5/sha1 off by default)
  cms::DecryptOptions decrypt;                           // allowed ciphers (3DES off by default)
  cms::DecompressLimits decompress;                      // bomb guard
  bool require_signed = true;                            // else insufficient-message-security
  bool require_encrypted = true;                         // else insufficient-message-security
  // When set, AS2-To must equal `our_id` and AS2-From `partner_id` (after unquoting,
  // case-sensitive), else unknown-trading-relationship.
  std::optional<std::string> our_id;
  std::optional<std::string> partner_id;
  // How we answer receipt requests: the micalgs we sign MDNs with and the default MIC
  // algorithm. It also picks an unsigned message's MIC algorithm (i05 8.3, 8.4.3).
  mdn::ReceiptPolicy receipt_policy;
};

enum class Layer { encrypted, signed_, compressed };

// Where the compression layer sat relative to the signature (RFC 5402 4).
enum class CompressionOrder { unsigned_, before_signing, after_signing };

struct EncryptionReport {
  cms::DecryptReport cms;  // cipher, key transport, GCM tag checked, which of our certificates
  std::string smime_type;  // as declared ("enveloped-data", "authEnveloped-data")
};

struct SignatureReport {
  cms::SignerReport signer;   // who (subject, serial), digest, scheme, signing time, messageDigest
  std::string declared_micalg;  // the multipart/signed micalg parameter as written (may differ, T8)
};

struct CompressionReport {
  CompressionOrder order = CompressionOrder::unsigned_;
  cms::DecompressReport cms;
};

// Everything found, also when processing failed (then only what was reached).
struct Report {
  ReceivedHeaders headers;
  std::vector<Layer> layers;  // outermost first
  std::optional<EncryptionReport> encryption;
  std::optional<SignatureReport> signature;
  std::optional<CompressionReport> compression;
  std::string content_type;               // of the payload entity, as written
  std::string content_transfer_encoding;  // of the payload entity ("" when absent)
  std::optional<std::string> filename;    // checked with check_filename
  std::optional<mdn::Mic> mic;            // RFC 4130 7.3.1 / RFC 5402 4
  // When an MDN was requested: how to answer (signed or not, with which micalg, or a
  // failed/failure disposition), per mdn::select_receipt_signing over the
  // Disposition-Notification-Options (a value that does not parse counts as absent:
  // request not understood, i05 8.3.1).
  std::optional<mdn::ReceiptSigning> receipt;
};

struct Unpacked {
  Report report;
  std::string payload;  // the payload entity's body with its transfer encoding undone
};

struct UnpackFailure {
  Outcome outcome = Outcome::unexpected_processing_error;  // never processed
  Error error;
  Report report;
};

using UnpackResult = tl::expected<Unpacked, UnpackFailure>;

// From the HTTP header fields (as a server hands them over, unfolded) and the body after
// any chunked framing was removed; the body is taken over.
[[nodiscard]] UnpackResult unpack(std::span<const std::pair<std::string, std::string>> http_headers,
                                  std::string body, const UnpackOptions& options);
// From the wire form (parse_http_message).
[[nodiscard]] UnpackResult unpack(std::string wire, const UnpackOptions& options);

// What the file forms return: the report, and how many payload bytes were written.
struct UnpackedToFile {
  Report report;
  std::uint64_t payload_size = 0;
};
using UnpackToFileResult = tl::expected<UnpackedToFile, UnpackFailure>;

// From the HTTP header fields and a body in a file: `body.fd` is a regular file (a
// receiver's spool file) whose bytes from `offset` to its end are the body; it is read by
// position, never through its file offset. The payload is written to `payload` (from its
// current position) once everything else has succeeded; a write that fails part-way is an
// unexpected-processing-error and leaves a partial file for the caller to discard.
[[nodiscard]] UnpackToFileResult unpack(std::span<const std::pair<std::string, std::string>> http_headers,
                                        const io::Input& body, std::uint64_t offset, const io::Output& payload,
                                        const UnpackOptions& options);
// From the wire form in a regular file (`payload as2 unpack`).
[[nodiscard]] UnpackToFileResult unpack(const io::Input& wire, const io::Output& payload, const UnpackOptions& options);

}  // namespace payload::as2
