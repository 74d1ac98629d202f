// payload::mdn MIC: the Message Integrity Check an AS2 receiver returns in the
// Received-Content-MIC field of its MDN (RFC 4130 7.3.1, 7.4.3; i05 8.3.1, 8.4.3), and
// the sender compares with the one it recorded at send time.
//
// Which bytes a MIC covers (signed part, decrypted entity, raw body, ...) is decided by
// the AS2 layer (as2-specs §2); this file only digests, writes and reads MIC values.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <payload/cms/algorithms.h>
#include <payload/core/error.h>

namespace payload::mdn {

// How micalg names are written (as2-specs §3.1, T7). Reading accepts every spelling.
enum class MicalgSpelling {
  rfc5751,  // "md5", "sha-1", "sha-224", "sha-256", "sha-384", "sha-512" (RFC 5751/8551 3.5.3.2): the default
  rfc3851,  // "md5", "sha1", "sha224", "sha256", "sha384", "sha512": per-partner legacy switch
};

// The micalg / digest-alg-id token of `digest` in `spelling`.
[[nodiscard]] std::string_view micalg_name(cms::DigestAlg digest,
                                           MicalgSpelling spelling = MicalgSpelling::rfc5751) noexcept;

// A MIC: the digest algorithm and the raw digest bytes (not base64). Two MICs are equal
// when algorithm and bytes are: the spelling they were read in does not matter
// (phase2 #75 compared "…, sha1" with "…, sha-1" as strings and failed).
struct Mic {
  cms::DigestAlg algorithm = cms::DigestAlg::sha256;
  std::string digest;  // digest_size(algorithm) bytes

  // The base64 of the digest, one line.
  [[nodiscard]] std::string base64() const;
  // "BASE64, sha-256": the Received-Content-MIC value (RFC 4130 7.4.3 examples put a
  // space after the comma; i05 8.4.3 ABNF does not, readers accept both).
  [[nodiscard]] std::string to_string(MicalgSpelling spelling = MicalgSpelling::rfc5751) const;

  friend bool operator==(const Mic&, const Mic&) = default;
};

// Reads a Received-Content-MIC value, tolerantly (Drummond 3Q12 #6, #7): optional spaces
// around the comma; any spelling cms::parse_micalg accepts ("sha256", "SHA-256",
// "sha_256"); base64 wrapped over several lines or folded (line breaks and spaces inside
// the base64 are ignored); a missing comma when the last word is a micalg.
// Errors: bad_data (empty, no algorithm, bad base64, a digest whose length does not fit
// the algorithm, as in i05 A.4's 20 bytes labelled sha256), unsupported (an algorithm
// name we do not know, e.g. "sha3-256").
[[nodiscard]] Result<Mic> parse_mic(std::string_view value);

// The MIC of `bytes`. Every algorithm is computed, MD5 and SHA-1 included: checking what
// a legacy partner returns is allowed, generating it is the caller's policy.
// Errors: internal (the crypto library failed).
[[nodiscard]] Result<Mic> compute_mic(std::string_view bytes, cms::DigestAlg algorithm);

// compute_mic in pieces, for payloads read in chunks: start(), update() in order, finish().
class MicHasher final {
public:
  // Errors: internal.
  [[nodiscard]] static Result<MicHasher> start(cms::DigestAlg algorithm);

  MicHasher(MicHasher&& other) noexcept;
  MicHasher& operator=(MicHasher&& other) noexcept;
  MicHasher(const MicHasher&) = delete;
  MicHasher& operator=(const MicHasher&) = delete;
  ~MicHasher();

  // Errors: internal; usage after finish().
  [[nodiscard]] Status update(std::string_view chunk);
  // The MIC of everything fed so far. The hasher is spent afterwards.
  // Errors: internal; usage when called twice.
  [[nodiscard]] Result<Mic> finish();

private:
  struct State;
  explicit MicHasher(std::unique_ptr<State> state) noexcept;
  std::unique_ptr<State> m_state;
};

}  // namespace payload::mdn
