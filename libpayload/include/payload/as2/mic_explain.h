// payload::as2 MIC-mismatch explainer: when a partner's Received-Content-MIC differs from
// the MIC we recorded, find out which of the variants implementations are known to
// compute it matches (field notes 1.1, as2-specs 2, T5, T8, T9).
//
// The message is unwrapped again (decrypting needs an identity it was encrypted to: the
// partner's in tests, ours when it was sent with an originator copy), without checking
// the signature, and every candidate byte range is hashed: each entity met on the way
// (HTTP entity, decrypted entity, compressed entity, decompressed entity, signed first
// part, payload entity) with and without its headers, with LF turned into CRLF, with the
// body transfer-decoded, and re-encoded (base64 <-> binary); with the algorithm that
// fits the returned MIC's length (the supported digests all differ in length).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/cms/compress.h>
#include <payload/cms/decrypt.h>
#include <payload/core/error.h>
#include <payload/mdn/mic.h>

namespace payload::as2 {

struct ExplainOptions {
  std::vector<cms::Identity> identities;  // to decrypt the message
  cms::DecryptOptions decrypt{{cms::ContentCipher::aes128_cbc, cms::ContentCipher::aes192_cbc,
                               cms::ContentCipher::aes256_cbc, cms::ContentCipher::aes128_gcm,
                               cms::ContentCipher::aes256_gcm, cms::ContentCipher::des_ede3_cbc}};
  cms::DecompressLimits decompress;
};

struct MicCandidate {
  std::string variant;      // stable id, e.g. "signed-part.body-only"
  std::string description;  // what was hashed, in words
  bool rfc = false;         // the RFC 4130 7.3.1 / RFC 5402 4 rule for this message
  mdn::Mic mic;
};

struct MicExplanation {
  // What the RFC rule gives. A signed message uses the digest its micalg parameter names
  // (the signature is not verified here); an unsigned one the first micalg its
  // Disposition-Notification-Options request, else SHA-256.
  mdn::Mic expected;
  std::optional<cms::DigestAlg> returned_micalg;  // the partner's label, normalised (nullopt: unknown name)
  std::vector<MicCandidate> candidates;          // everything hashed, RFC rule first
  std::optional<MicCandidate> match;             // the candidate equal to the returned MIC
  std::string summary;                           // one paragraph for a human
};

// `returned_mic`: the decoded digest bytes; `returned_micalg`: the algorithm as the
// partner wrote it ("sha256", "SHA-256", "sha_256"). Errors: those of parse_http_message;
// bad_data when the message cannot be unwrapped far enough to find its payload (with the
// stage in the message), no_key when no identity decrypts it.
[[nodiscard]] Result<MicExplanation> explain_mic(std::string wire, std::string_view returned_mic,
                                                 std::string_view returned_micalg, const ExplainOptions& options);

}  // namespace payload::as2
