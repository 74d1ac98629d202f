// payload::sig verification of whatever is given: one call that recognises a signature
// (OpenPGP inline, cleartext or detached; CMS attached or detached, DER, PEM or S/MIME;
// a raw RSA signature) and checks it against the partner keys and certificates the
// caller trusts. The answer is a SignatureCheck with a status, not a yes/no, so that a
// hook or a command can say exactly what was wrong.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>
#include <payload/sig/detect.h>
#include <payload/sig/raw.h>

namespace payload::sig {

// Whom the caller trusts. Only the anchors of the recognised kind are used.
struct TrustAnchors {
  std::vector<std::filesystem::path> certificates;  // X.509 (PEM bundles or DER): CMS and raw RSA
  std::vector<std::filesystem::path> public_keys;   // bare RSA public keys: raw RSA only
  std::optional<std::filesystem::path> pgp_home;    // a GnuPG home whose public keys are trusted
  std::vector<std::filesystem::path> pgp_key_files; // OpenPGP certificates, binary or armored
  // OpenPGP fingerprints (or 16-hex key ids) that must have signed; empty: any trusted key.
  std::vector<std::string> pgp_signers;
};

struct VerifyOptions {
  // Raw RSA: accept only this padding / digest (default: any SHA-2 digest, either padding).
  std::optional<Padding> padding;
  std::optional<Digest> digest;
  // Certificate validity is checked at this time; the system clock when empty (tests pin it).
  std::optional<std::chrono::system_clock::time_point> now;
};

enum class CheckStatus {
  good,                       // made by a trusted key or certificate over exactly this content
  bad,                        // the content changed, or the signature is corrupt or by another key
  unknown_signer,             // made by a key that is none of the trusted ones
  certificate_expired,        // the signer certificate's notAfter has passed
  certificate_not_yet_valid,  // the signer certificate's notBefore lies ahead
  certificate_key_usage,      // the signer certificate may not sign (keyUsage)
  key_unusable,               // OpenPGP key expired or revoked; CMS certificate outside its validity
  digest_refused,             // a digest outside the accepted ones (SHA-1, MD5)
};
[[nodiscard]] std::string_view status_name(CheckStatus status) noexcept;  // "good", "bad", ...

struct SignatureCheck {
  SignatureKind kind = SignatureKind::raw_rsa_pss;
  CheckStatus status = CheckStatus::bad;
  std::string signer;    // certificate subject, OpenPGP fingerprint, or "RSA-2048 key SHA256:<hex>"
  std::string digest;    // "sha256"
  std::filesystem::path signature;  // the detached signature used (empty for attached forms)
  std::string detail;    // one line: why, for anything but good
  [[nodiscard]] bool good() const noexcept { return status == CheckStatus::good; }
  // Success for a good signature; otherwise the Errc for the status (bad and unknown
  // signer: bad_signature or no_key; certificate and key problems: key_unusable; a
  // refused digest: unsupported) with the detail as message.
  [[nodiscard]] Status verdict() const;
};

// Recognises and verifies. `detached_signature` empty: `file` itself must be a signed
// message (OpenPGP, CMS attached, S/MIME), or a detached signature must lie beside it
// (find_detached_signature). Errors (not verdicts): io (a file cannot be read),
// bad_data (the signature is not recognised), no_key (no anchors of the kind found, or
// none given), bad_signature (no signature at all), usage.
Result<SignatureCheck> verify_signature(const std::filesystem::path& file,
                                        const std::optional<std::filesystem::path>& detached_signature,
                                        const TrustAnchors& anchors, const VerifyOptions& options = {});

// Raw RSA only: checks `signature` (the bytes of FILE.sig) over `content` with `key`,
// and, when given, the certificate the key comes from (validity, key usage).
Result<SignatureCheck> verify_raw(const io::Input& content, std::string_view signature, const PublicKey& key,
                                  const std::optional<cms::Certificate>& certificate, const VerifyOptions& options = {});

}  // namespace payload::sig
