// as2d HTTP basic authentication (RFC 7617) of a partner whose section sets auth_user and
// a password hash. Credentials longer than 150 characters are refused before any hashing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config.h"

namespace as2d {

enum class AuthResult { ok, missing, malformed, too_long, wrong };

[[nodiscard]] std::string_view auth_result_name(AuthResult result) noexcept;

// Checks an Authorization header value against the partner's user and hash. The user
// comparison and the hash check both run whatever the user, so timing tells nothing.
[[nodiscard]] AuthResult check_basic_auth(const std::optional<Secret>& authorization, const BasicAuth& expected);

}  // namespace as2d
