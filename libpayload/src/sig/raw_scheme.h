// Private to src/sig: which RSA signature scheme a raw signature value uses, read from
// the encoded message the public key recovers from it (RFC 8017 8.1.2 and 8.2.2).
// A bare signature names neither its padding nor its digest; recovering the encoding
// finds both before the file is read, so the file is hashed once, and a signature made
// with another key (whose encoding is noise) is told apart from a changed file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include <payload/sig/raw.h>

namespace payload::sig::detail {

struct RecoveredScheme {
  Padding padding = Padding::pss;
  std::optional<Digest> digest;  // none for a legacy digest, named in `digest_name`
  std::string digest_name;       // "sha256", "sha1", "md5"
};

// None when `signature` does not decode under `key` as PKCS#1 v1.5 or PSS (MGF1 with
// the message digest, any salt): another key made it, or it is corrupt.
[[nodiscard]] std::optional<RecoveredScheme> recover_scheme(EVP_PKEY* key, std::string_view signature);

}  // namespace payload::sig::detail
