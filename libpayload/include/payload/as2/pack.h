// payload::as2 pack: builds an outgoing AS2 message from a payload (RFC 4130 5, 7.3.1;
// RFC 5402; i05 5.2, 7, 8.3.1), and the MIC the sender records to compare with the
// partner's receipt.
//
// Layers, innermost first: the payload entity (Content-Type, Content-Transfer-Encoding,
// Content-Disposition: attachment; filename="..."); optionally compressed (RFC 3274,
// application/pkcs7-mime; smime-type=compressed-data) before signing; optionally signed
// (RFC 1847 multipart/signed, protocol="application/pkcs7-signature", micalg); optionally
// compressed after signing; optionally encrypted (application/pkcs7-mime;
// smime-type=enveloped-data, or authEnveloped-data for AES-GCM, RFC 8551 3.2.2). The
// outermost entity's MIME headers become HTTP headers, its body the HTTP body, and no
// header is ever folded (as2-specs T1).
//
// Canonicalisation (RFC 8551 3.1.1): header blocks use CRLF; text/* bodies get bare LF
// turned into CRLF; every other type (EDI is application/*) is sent byte for byte.
//
// Memory: the payload and each layer's output are in memory, each layer built in the
// previous one's buffer where it can. Entities of 8 MiB and more are compressed and
// encrypted through anonymous spool files in $TMPDIR (the streaming CMS forms, which
// write BER with indefinite lengths; smaller ones get DER). docs/as2.md has the 100 MiB
// measurement.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <payload/as2/headers.h>
#include <payload/as2/http_message.h>
#include <payload/as2/mdn_request.h>
#include <payload/cms/encrypt.h>
#include <payload/cms/sign.h>
#include <payload/core/error.h>
#include <payload/mdn/mic.h>

namespace payload::as2 {

enum class Compression {
  none,
  before_signing,  // RFC 5402 4.1: the signature (and the MIC) covers the compressed entity
  after_signing,   // RFC 5402 4.2: the signed multipart is compressed; the MIC covers the payload entity
};

enum class BodyEncoding { binary, base64 };

struct SignSpec {
  cms::Identity signer;
  cms::SignOptions options;  // digest, scheme, allow_legacy_digest
  // The multipart/signed micalg parameter: rfc5751 "sha-256" (SHA-1 as "sha1", what
  // every partner accepts, Drummond 3Q12 #13), or rfc3851 "sha256" for partners that need
  // the old names (phase2 #18; as2-specs 3.3, T7).
  mdn::MicalgSpelling spelling = mdn::MicalgSpelling::rfc5751;
};

struct EncryptSpec {
  std::vector<cms::Certificate> recipients;  // the partner's certificate(s); add ours for an originator copy (i05 7.3.2)
  cms::EncryptOptions options;               // cipher, key transport, allow_legacy_cipher
};

struct PackOptions {
  OutgoingHeaders headers;
  std::optional<MdnRequest> mdn;  // no MDN requested when empty
  std::string content_type = "application/octet-stream";
  // Content-Disposition filename. Must pass check_filename; empty sends none (pack_file
  // fills in the file's own name).
  std::string filename;
  BodyEncoding payload_encoding = BodyEncoding::binary;
  Compression compression = Compression::none;  // without signing, either value compresses
  // Compression level as zlib counts it, 1 (fastest) to 9 (smallest); 6 is zlib's default.
  // For a 10 KiB EDI message level 1 takes about a third of level 6's time for about 6%
  // more bytes (docs/benchmarks.md, "AS2 pack and unpack").
  int compression_level = 6;
  std::optional<SignSpec> sign;
  std::optional<EncryptSpec> encrypt;
  // The HTTP-level Content-Transfer-Encoding of an application/pkcs7-mime body (libas2
  // sends base64). Only for encrypted or compressed messages.
  BodyEncoding envelope_encoding = BodyEncoding::binary;
};

struct PackedMessage {
  HttpMessage http;        // AS2 headers, MDN request, outer MIME headers; the body
  std::string message_id;  // as sent, brackets included
  // What the partner must return in Received-Content-MIC (RFC 4130 7.3.1, RFC 5402 4):
  // signed: the first part of the multipart/signed, headers included, in the signing
  // digest; unsigned but encrypted or compressed: the payload entity with its headers;
  // plain: the body only. Unsigned messages use the first micalg of the MDN request, or
  // SHA-256 (i05 8.4.3). Compare it with the MDN's using mdn::check_mdn.
  mdn::Mic mic;
};

// Errors: usage (invalid options: headers, content type, filename, a 1.3 message with
// MD5/SHA-1/3DES (i05 6.1), base64 envelope without an envelope, a body the chosen
// encoding cannot carry), and those of cms::sign_detached, compress and encrypt.
[[nodiscard]] Result<PackedMessage> pack(std::string payload, const PackOptions& options);
// Reads the file (into memory) and packs it; an empty options.filename becomes the
// file's own name, which must pass check_filename. io errors name the file.
[[nodiscard]] Result<PackedMessage> pack_file(const std::filesystem::path& path, PackOptions options);

}  // namespace payload::as2
