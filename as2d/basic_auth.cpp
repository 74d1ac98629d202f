// as2d HTTP basic authentication.
#include "basic_auth.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>

#include <payload/mime/base64.h>

#include "password.h"

namespace as2d {

std::string_view auth_result_name(AuthResult result) noexcept {
  switch (result) {
    case AuthResult::ok: return "ok";
    case AuthResult::missing: return "missing";
    case AuthResult::malformed: return "malformed";
    case AuthResult::too_long: return "too_long";
    case AuthResult::wrong: return "wrong";
  }
  return "wrong";
}

AuthResult check_basic_auth(const std::optional<Secret>& authorization, const BasicAuth& expected) {
  if (!authorization) return AuthResult::missing;
  std::string_view value = authorization->view();
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  constexpr std::string_view scheme = "basic ";
  if (value.size() < scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), value.begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
    return AuthResult::malformed;
  value.remove_prefix(scheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  // base64 of "user:password" with both at most 150 characters (UTF-8 may take 4 bytes
  // per character; bytes are what we limit, generously).
  if (value.size() > 4 * ((4 * (2 * max_credential_length + 1) + 2) / 3)) return AuthResult::too_long;
  auto decoded = payload::mime::base64_decode(value);
  if (!decoded) return AuthResult::malformed;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return AuthResult::malformed;
  const std::string_view user(decoded->data(), colon);
  const std::string_view password = std::string_view(*decoded).substr(colon + 1);
  if (user.size() > max_credential_length || password.size() > max_credential_length) {
    OPENSSL_cleanse(decoded->data(), decoded->size());
    return AuthResult::too_long;
  }
  const bool user_ok =
      user.size() == expected.user.size() && CRYPTO_memcmp(user.data(), expected.user.data(), user.size()) == 0;
  const auto password_ok = verify_password(password, expected.password_hash);
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return user_ok && password_ok && *password_ok ? AuthResult::ok : AuthResult::wrong;
}

}  // namespace as2d
