// as2d password hashes for HTTP basic authentication: the configuration stores hashes,
// never passwords.
//
// Two formats:
//   $6$[rounds=N$]SALT$HASH                  SHA512-crypt, checked with crypt(3) (libxcrypt);
//                                            made by `openssl passwd -6` or `mkpasswd -m sha-512`
//   $pbkdf2-sha256$ROUNDS$SALT$HASH          PBKDF2-HMAC-SHA256 over OpenSSL; SALT and HASH in
//                                            passlib's "adapted base64" ('.' for '+', no padding),
//                                            HASH 32 bytes; made by `as2d --hash-password`
#pragma once

#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace as2d {

// Usernames and passwords longer than this are refused before any hashing (a long
// password must not buy a client CPU time, and no real credential is that long).
inline constexpr std::size_t max_credential_length = 150;

// Whether `hash` is one of the formats above, well formed. Errors (Errc::usage) say why.
[[nodiscard]] payload::Status check_password_hash(std::string_view hash);

// Whether `password` matches `hash`, compared in constant time. Errors: usage (a hash
// check_password_hash refuses), internal (the hashing library failed).
[[nodiscard]] payload::Result<bool> verify_password(std::string_view password, std::string_view hash);

// A new $pbkdf2-sha256$ hash with a random 16-byte salt. Errors: usage (empty or
// too long password, rounds below 10000), internal.
[[nodiscard]] payload::Result<std::string> make_pbkdf2_hash(std::string_view password, unsigned rounds = 600000);

}  // namespace as2d
