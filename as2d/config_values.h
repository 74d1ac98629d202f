// as2d configuration values: the text forms the INI file uses, parsed one value at a time.
// Errors are Errc::usage with a message that names what was wrong, never the key: the
// loader adds "[section] key: ".
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <payload/cms/algorithms.h>
#include <payload/core/error.h>

#include "config.h"

namespace as2d {

// "host:port", "[v6]:port". The host is an IP address (no name lookups at start-up).
[[nodiscard]] payload::Result<ListenAddress> parse_listen(std::string_view text);
// yes/no, true/false, on/off, 1/0 (any case).
[[nodiscard]] payload::Result<bool> parse_bool(std::string_view text);
// Bytes with an optional K, M or G suffix (powers of 1024): "65536", "64M", "1G".
[[nodiscard]] payload::Result<std::uint64_t> parse_size(std::string_view text);
// Seconds with an optional s, m or h suffix: "30", "30s", "10m", "1h". At least 1 s.
[[nodiscard]] payload::Result<std::chrono::seconds> parse_duration(std::string_view text);
// A positive integer in [min, max].
[[nodiscard]] payload::Result<int> parse_int(std::string_view text, int min, int max);

// Comma-separated micalg names in any spelling ("sha-256, sha384, SHA1"), in order, no
// duplicates, at least one.
[[nodiscard]] payload::Result<std::vector<payload::cms::DigestAlg>> parse_digest_list(std::string_view text);
// "aes-256-cbc", "aes256-cbc", "aes256", "aes-128-gcm", "3des", "des-ede3-cbc", ...
[[nodiscard]] payload::Result<payload::cms::ContentCipher> parse_cipher(std::string_view text);
[[nodiscard]] payload::Result<std::vector<payload::cms::ContentCipher>> parse_cipher_list(std::string_view text);
[[nodiscard]] payload::Result<MdnMode> parse_mdn_mode(std::string_view text);

// RFC 4130 6.2 / i05 6.3: 1 to 128 printable US-ASCII characters (space allowed).
[[nodiscard]] bool is_valid_as2_id(std::string_view id) noexcept;

// Splits at commas, trims each item, drops empty items.
[[nodiscard]] std::vector<std::string> split_list(std::string_view text);
[[nodiscard]] std::string_view trim(std::string_view text) noexcept;

// Human forms for --check-config and logs.
[[nodiscard]] std::string format_size(std::uint64_t bytes);
[[nodiscard]] std::string join_digests(const std::vector<payload::cms::DigestAlg>& digests);
[[nodiscard]] std::string join_ciphers(const std::vector<payload::cms::ContentCipher>& ciphers);

}  // namespace as2d
