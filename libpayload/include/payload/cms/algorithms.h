// payload::cms algorithms: the digests, signature schemes, key transports and content
// ciphers this module speaks, with their AS2/S/MIME names.
//
// Which ones are *generated* by default follows AS2 1.3 (draft-ietf-ediint-rfc4130bis-05
// §7) and S/MIME 4.0 (RFC 8551 §2): SHA-2 digests, AES content ciphers. MD5, SHA-1 and
// 3DES exist only for legacy partners and are refused unless a policy allows them.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace payload::cms {

enum class DigestAlg { md5, sha1, sha224, sha256, sha384, sha512 };

// RFC 5652 SignerInfo.signatureAlgorithm families.
enum class SignatureScheme {
  rsa_pkcs1v15,  // RFC 5652 / RFC 8017 RSASSA-PKCS1-v1_5
  rsa_pss,       // RFC 4056 with RFC 4055 parameters (MGF1 and salt sized to the digest)
  ecdsa,         // RFC 5753 ECDSA (P-256, P-384)
  ed25519,       // RFC 8419; verify only
};

// RFC 5652 KeyTransRecipientInfo.keyEncryptionAlgorithm.
enum class KeyTransport {
  rsa_pkcs1v15,      // rsaEncryption (RFC 8551: MUST-)
  rsa_oaep_sha1,     // RFC 3560 RSAES-OAEP with the RFC 4055 default parameters
  rsa_oaep_sha256,   // RSAES-OAEP, SHA-256 and MGF1-SHA-256, encoded explicitly
  rsa_oaep_sha512,   // RSAES-OAEP, SHA-512 and MGF1-SHA-512 (what libas2 sends)
};

enum class ContentCipher {
  aes128_cbc,
  aes192_cbc,
  aes256_cbc,
  des_ede3_cbc,  // legacy; decrypt only unless allowed (RFC 8551 App. B.3)
  aes128_gcm,    // AuthEnvelopedData, RFC 5083 + RFC 5084
  aes256_gcm,
};

// AS2 micalg token (RFC 5751/8551 §3.5.3.2 spelling, except SHA-1 which RFC 4130 and
// the 2012 Drummond consensus spell "sha1"): "md5", "sha1", "sha-224", "sha-256", ...
[[nodiscard]] std::string_view micalg(DigestAlg digest) noexcept;
// Parses a micalg token in any spelling seen in the field (case-insensitive,
// "sha256", "sha-256", "sha_256", "sha2_256", "rsa-sha1").
[[nodiscard]] std::optional<DigestAlg> parse_micalg(std::string_view token) noexcept;
// Length of the digest in bytes.
[[nodiscard]] std::size_t digest_size(DigestAlg digest) noexcept;
// True for MD5 and SHA-1, which AS2 1.3 forbids generating (i05 §2.4.2).
[[nodiscard]] bool is_legacy(DigestAlg digest) noexcept;

[[nodiscard]] std::string_view name(SignatureScheme scheme) noexcept;  // "rsa-pkcs1v15", "rsa-pss", ...
[[nodiscard]] std::string_view name(KeyTransport transport) noexcept;  // "rsa-pkcs1v15", "rsa-oaep-sha256", ...
[[nodiscard]] std::string_view name(ContentCipher cipher) noexcept;     // "aes-256-cbc", "aes-128-gcm", "des-ede3-cbc"
// True for the AEAD ciphers, which use AuthEnvelopedData (RFC 5083) instead of EnvelopedData.
[[nodiscard]] bool is_authenticated(ContentCipher cipher) noexcept;

}  // namespace payload::cms
