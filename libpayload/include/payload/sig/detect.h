// payload::sig recognition: what a file or a signature file holds, from its bytes
// (never from its name), so that one command verifies every form a partner may send.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include <payload/core/error.h>

namespace payload::sig {

enum class SignatureKind {
  openpgp_inline,     // a signed OpenPGP message (gpg --sign), binary or armored
  openpgp_cleartext,  // -----BEGIN PGP SIGNED MESSAGE----- (gpg --clearsign)
  openpgp_detached,   // OpenPGP signature packets (gpg --detach-sign), binary or armored
  cms_attached,       // SignedData with its content: DER/BER, PEM, or S/MIME application/pkcs7-mime
  cms_detached,       // SignedData without content: DER/BER or PEM .p7s, S/MIME pkcs7-signature
  smime_multipart,    // an S/MIME multipart/signed message: content and detached SignedData in one file
  raw_rsa_pss,        // a bare RSA signature value (RSASSA-PSS)
  raw_rsa_pkcs1,      // a bare RSA signature value (RSASSA-PKCS1-v1_5)
};
[[nodiscard]] std::string_view kind_name(SignatureKind kind) noexcept;  // "openpgp-detached", ...

// What a signed file (given alone) holds, from its first bytes: an OpenPGP message, a
// cleartext-signed message, CMS attached (DER, PEM or S/MIME) or S/MIME multipart/signed.
// None when it is none of these (a plain file that needs a detached signature).
[[nodiscard]] std::optional<SignatureKind> detect_signed_file(std::string_view head) noexcept;

// What a detached signature file holds: OpenPGP signature packets (binary or armored),
// a CMS SignedData (DER, PEM, or an S/MIME application/pkcs7-signature entity), or,
// when it is none of these and exactly as long as one of `rsa_modulus_bytes`, a raw RSA
// signature (reported as raw_rsa_pss: the padding is found while verifying).
// None when it is unrecognised.
[[nodiscard]] std::optional<SignatureKind> detect_detached_signature(std::string_view signature,
                                                                     const std::vector<std::size_t>& rsa_modulus_bytes);

// The detached signature beside `file`, first found of FILE.sig, FILE.asc, FILE.p7s,
// FILE.sign; none when there is none.
[[nodiscard]] std::optional<std::filesystem::path> find_detached_signature(const std::filesystem::path& file);

}  // namespace payload::sig
