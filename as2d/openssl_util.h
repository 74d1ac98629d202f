// as2d's direct OpenSSL calls (where POCO has no setting): the error queue as text and
// PEM private keys, optionally passphrase-protected, for TLS contexts.
#pragma once

#include <openssl/evp.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <payload/core/error.h>

#include "secret.h"

namespace as2d {

// The OpenSSL error queue, emptied, as "error; error" ("unknown OpenSSL error" when empty).
[[nodiscard]] std::string openssl_errors();

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// Errors: io when the file cannot be opened; bad_passphrase when it cannot be read as a
// key (wrong or missing passphrase, or no key at all). Messages name the file.
[[nodiscard]] payload::Result<EvpPkeyPtr> read_pem_private_key(const std::filesystem::path& file,
                                                               const std::optional<Secret>& passphrase);

}  // namespace as2d
