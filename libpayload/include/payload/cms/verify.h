// payload::cms verification: checks an RFC 5652 SignedData against the partner
// certificates the caller pinned, and reports who signed with what.
//
// No chain is built (AS2 partners exchange certificates out of band, i05 §9); instead the
// signer must be one of the given certificates, and that certificate must be valid at
// the signing time and now (i05 §10: expired certificates give an immediate error).
// Input may be DER or BER with indefinite lengths (Amazon, libas2: field notes §1.9).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/cms/algorithms.h>
#include <payload/cms/certificate.h>
#include <payload/core/error.h>
#include <payload/io/file.h>

namespace payload::cms {

struct VerifyOptions {
  // Digests accepted from the partner. Add md5/sha1 only for a legacy partner.
  std::vector<DigestAlg> allowed_digests{DigestAlg::sha224, DigestAlg::sha256, DigestAlg::sha384,
                                         DigestAlg::sha512};
  // Check each signer certificate's validity at the signingTime attribute (when present).
  bool check_signing_time = true;
  // Check each signer certificate's validity now.
  bool check_now = true;
  // "Now" for the check above; the system clock when empty (tests pin it).
  std::optional<std::chrono::system_clock::time_point> now;
};

struct SignerReport {
  std::string subject;  // of the partner certificate that matched
  std::string serial;   // hex
  DigestAlg digest = DigestAlg::sha256;
  SignatureScheme scheme = SignatureScheme::rsa_pkcs1v15;
  std::optional<std::chrono::system_clock::time_point> signing_time;
  // The messageDigest signed attribute: the digest of the signed content, i.e. the AS2
  // MIC of a signed message (RFC 4130 §7.3.1) before base64.
  std::string message_digest;
};

// Returned only when every SignerInfo verified.
struct VerifyReport {
  std::vector<SignerReport> signers;  // at least one
  // The first signer's digest as AS2 micalg ("sha-256", "sha1", ...).
  [[nodiscard]] std::string_view micalg() const noexcept { return cms::micalg(signers.front().digest); }
};

// Errors, checked in this order for every SignerInfo:
//   bad_data       not a SignedData, malformed, no signers, or (detached) content embedded
//   no_key         the signer is none of `partners` (wrong or rolled-over partner certificate)
//   unsupported    the digest is not in options.allowed_digests (policy)
//   key_unusable   the signer certificate is expired or not yet valid (signing time or now)
//   bad_signature  the signature or the content digest does not verify
// Detached: `signature` is the DER/BER of the application/pkcs7-signature part.
Result<VerifyReport> verify_detached(std::string_view content, std::string_view signature,
                                     const std::vector<Certificate>& partners, const VerifyOptions& options = {});
// Streams the content (read once, in chunks); the signature is small and in memory.
Result<VerifyReport> verify_detached(const io::Input& content, std::string_view signature,
                                     const std::vector<Certificate>& partners, const VerifyOptions& options = {});

// Enveloping: also extracts the signed content into `content`.
Result<VerifyReport> verify_enveloping(std::string_view signed_data, std::string& content,
                                       const std::vector<Certificate>& partners, const VerifyOptions& options = {});
// Streams: the content is spooled to an anonymous temporary file ($TMPDIR) while the
// structure is parsed, verified from there, and copied to `content` only after the
// signature verified: memory does not grow with the content, and on error `content`
// has received nothing.
Result<VerifyReport> verify_enveloping(const io::Input& signed_data, const io::Output& content,
                                       const std::vector<Certificate>& partners, const VerifyOptions& options = {});

}  // namespace payload::cms
