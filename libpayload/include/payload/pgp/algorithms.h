// payload::pgp algorithms: the ciphers, digests and compressions GnuPG offers, by the
// names gpg uses, and the profile an encryption or signature is made with.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace payload::pgp {

enum class Cipher { idea, tripledes, cast5, blowfish, aes128, aes192, aes256, twofish, camellia128, camellia192, camellia256 };
enum class Digest { sha1, ripemd160, sha224, sha256, sha384, sha512 };
// `automatic`: ZLIB, except for input that is already compressed (gzip, zip, bzip2, xz,
// zstd, 7z, PNG, JPEG), which is stored uncompressed: deflating it again costs about 10x
// the time of the encryption and gains nothing.
enum class Compression { automatic, none, zip, zlib, bzip2 };

// The name gpg uses on its command line ("AES256", "SHA256", "ZLIB", "none").
[[nodiscard]] std::string_view gpg_name(Cipher cipher) noexcept;
[[nodiscard]] std::string_view gpg_name(Digest digest) noexcept;
[[nodiscard]] std::string_view gpg_name(Compression compression) noexcept;

// Case-insensitive parsing of those names (also "3DES", "AES-256", "SHA-256").
[[nodiscard]] std::optional<Cipher> parse_cipher(std::string_view name);
[[nodiscard]] std::optional<Digest> parse_digest(std::string_view name);
[[nodiscard]] std::optional<Compression> parse_compression(std::string_view name);

[[nodiscard]] std::vector<std::string_view> cipher_names();
[[nodiscard]] std::vector<std::string_view> digest_names();
[[nodiscard]] std::vector<std::string_view> compression_names();

// What a message is made with. The defaults are the modern choice: AES-256, SHA-256.
struct Algorithms {
  Cipher cipher = Cipher::aes256;
  Digest digest = Digest::sha256;
  Compression compression = Compression::automatic;
  int compress_level = -1;  // 0-9; -1 leaves gpg's default (6)
};

// Resolves Compression::automatic by looking at the first bytes of the input.
[[nodiscard]] Compression choose_compression(Compression requested, std::string_view head) noexcept;

}  // namespace payload::pgp
