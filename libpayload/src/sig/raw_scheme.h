// Private to src/sig: which RSA signature scheme a raw signature value uses, read from
// the encoded message the public key recovers from it (RFC 8017 8.1.2 and 8.2.2).
// A bare signature names neither its padding nor its digest; recovering the encoding
// finds both before the file is read, so the file is hashed once, and a signature made
// with another key (whose encoding is noise) is told apart from a changed file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

#include <payload/sig/raw.h>

namespace payload::sig::detail {

struct RecoveredScheme {
  Padding padding = Padding::pss;
  std::optional<Digest> digest;  // none for a legacy digest, named in `digest_name`
  std::string digest_name;       // "sha256", "sha1", "md5"
};

// The schemes under which `signature` decodes with `key`: PKCS#1 v1.5 (its DigestInfo
// names the digest), or PSS with MGF1 over the message digest and any salt. A PSS block
// unmasked with the wrong digest still looks well-formed about once in 128 tries, so
// there may be more than one candidate; only hashing the content decides. Empty when
// nothing decodes: another key made it, or it is corrupt.
[[nodiscard]] std::vector<RecoveredScheme> recover_schemes(EVP_PKEY* key, std::string_view signature);

}  // namespace payload::sig::detail
