// Private to src/sig: one verifier per family, behind verify_signature().
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <payload/sig/verify_any.h>

namespace payload::sig::detail {

// OpenPGP: `file` is the signed message (inline, cleartext) or the signed data of the
// detached `signature`.
Result<SignatureCheck> verify_openpgp(SignatureKind kind, const std::filesystem::path& file,
                                      const std::optional<std::filesystem::path>& signature, const TrustAnchors& anchors);

// CMS: attached (file alone), S/MIME multipart/signed (file alone), or detached with
// the bytes of the signature file.
Result<SignatureCheck> verify_cms(SignatureKind kind, const std::filesystem::path& file,
                                  const std::optional<std::string>& signature, const TrustAnchors& anchors,
                                  const VerifyOptions& options);

// A raw RSA signature against every trusted RSA key or certificate of its size.
Result<SignatureCheck> verify_raw_any(const std::filesystem::path& file, const std::string& signature,
                                      const TrustAnchors& anchors, const VerifyOptions& options);

// The RSA public keys among the anchors, each with its certificate when it came from one.
struct RsaAnchor {
  PublicKey key;
  std::optional<cms::Certificate> certificate;
  std::size_t modulus_bytes = 0;
};
Result<std::vector<RsaAnchor>> rsa_anchors(const TrustAnchors& anchors);

SignatureCheck make_check(SignatureKind kind, CheckStatus status, std::string signer, std::string digest, std::string detail);

}  // namespace payload::sig::detail
