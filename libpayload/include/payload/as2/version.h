// payload::as2 versions: the AS2-Version header (i05 6.1) and the AS2-Product header
// that must accompany 1.3 (i05 6.2).
//
// 1.0 plain RFC 4130; 1.1 adds RFC 3274 compression; 1.2 says an EDIINT-Features header
// (RFC 6017) lists optional features; 1.3 is the rfc4130bis profile (SHA-2 and AES only
// between 1.3 peers, RFC 8098 MDNs). A missing header means 1.0.
#pragma once

#include <optional>
#include <string_view>

namespace payload::as2 {

enum class As2Version { v1_0, v1_1, v1_2, v1_3 };

// "1.0" ... "1.3".
[[nodiscard]] std::string_view version_name(As2Version version) noexcept;
// "1.0" ... "1.3" with surrounding whitespace; anything else is nullopt (a receiver
// keeps the raw text and treats an unknown 1.x as wire-compatible, i05 6.1).
[[nodiscard]] std::optional<As2Version> parse_version(std::string_view text) noexcept;

// i05 6.2: "[PEN-<number>:]<product-name>:<version>", set at build time.
inline constexpr std::string_view as2_product = "libpayload:0.1.0";

}  // namespace payload::as2
