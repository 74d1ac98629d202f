// payload::pgp algorithms: names and the automatic compression choice.
#include <payload/pgp/algorithms.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace payload::pgp {
namespace {

constexpr std::array<std::pair<Cipher, std::string_view>, 11> kCiphers{{
    {Cipher::idea, "IDEA"},
    {Cipher::tripledes, "3DES"},
    {Cipher::cast5, "CAST5"},
    {Cipher::blowfish, "BLOWFISH"},
    {Cipher::aes128, "AES128"},
    {Cipher::aes192, "AES192"},
    {Cipher::aes256, "AES256"},
    {Cipher::twofish, "TWOFISH"},
    {Cipher::camellia128, "CAMELLIA128"},
    {Cipher::camellia192, "CAMELLIA192"},
    {Cipher::camellia256, "CAMELLIA256"},
}};

constexpr std::array<std::pair<Digest, std::string_view>, 6> kDigests{{
    {Digest::sha1, "SHA1"},
    {Digest::ripemd160, "RIPEMD160"},
    {Digest::sha224, "SHA224"},
    {Digest::sha256, "SHA256"},
    {Digest::sha384, "SHA384"},
    {Digest::sha512, "SHA512"},
}};

constexpr std::array<std::pair<Compression, std::string_view>, 5> kCompressions{{
    {Compression::automatic, "auto"},
    {Compression::none, "none"},
    {Compression::zip, "ZIP"},
    {Compression::zlib, "ZLIB"},
    {Compression::bzip2, "BZIP2"},
}};

// Upper case without '-' and '_', so "aes-256", "AES_256" and "AES256" compare equal.
std::string normalize(std::string_view name) {
  std::string out;
  for (char c : name)
    if (c != '-' && c != '_') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

template <typename E, size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, n] : table)
    if (v == value) return n;
  return {};
}

template <typename E, size_t N>
std::optional<E> parse(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view name) {
  const auto wanted = normalize(name);
  for (const auto& [v, n] : table)
    if (normalize(n) == wanted) return v;
  return std::nullopt;
}

template <typename E, size_t N>
std::vector<std::string_view> names(const std::array<std::pair<E, std::string_view>, N>& table) {
  std::vector<std::string_view> out;
  for (const auto& entry : table) out.push_back(entry.second);
  return out;
}

bool starts_with(std::string_view head, std::string_view magic) { return head.substr(0, magic.size()) == magic; }

}  // namespace

std::string_view gpg_name(Cipher cipher) noexcept { return name_of(kCiphers, cipher); }
std::string_view gpg_name(Digest digest) noexcept { return name_of(kDigests, digest); }
std::string_view gpg_name(Compression compression) noexcept { return name_of(kCompressions, compression); }

std::optional<Cipher> parse_cipher(std::string_view name) {
  if (normalize(name) == "TRIPLEDES") return Cipher::tripledes;
  return parse(kCiphers, name);
}
std::optional<Digest> parse_digest(std::string_view name) { return parse(kDigests, name); }
std::optional<Compression> parse_compression(std::string_view name) {
  if (normalize(name) == "UNCOMPRESSED") return Compression::none;
  return parse(kCompressions, name);
}

std::vector<std::string_view> cipher_names() { return names(kCiphers); }
std::vector<std::string_view> digest_names() { return names(kDigests); }
std::vector<std::string_view> compression_names() { return names(kCompressions); }

Compression choose_compression(Compression requested, std::string_view head) noexcept {
  if (requested != Compression::automatic) return requested;
  static constexpr std::array<std::string_view, 10> kCompressedMagic{
      std::string_view("\x1f\x8b", 2),          // gzip
      std::string_view("PK\x03\x04", 4),        // zip, docx, xlsx, jar
      std::string_view("BZh", 3),               // bzip2
      std::string_view("\xfd" "7zXZ\x00", 6),   // xz
      std::string_view("\x28\xb5\x2f\xfd", 4),  // zstd
      std::string_view("7z\xbc\xaf\x27\x1c", 6),
      std::string_view("\x89PNG", 4),
      std::string_view("\xff\xd8\xff", 3),      // JPEG
      std::string_view("\xa3\x01", 2),          // OpenPGP compressed packet (old format, tag 8)
      std::string_view("\xc8", 1),              // OpenPGP compressed packet (new format, tag 8)
  };
  const bool compressed = std::any_of(kCompressedMagic.begin(), kCompressedMagic.end(),
                                      [&](std::string_view magic) { return starts_with(head, magic); });
  return compressed ? Compression::none : Compression::zlib;
}

}  // namespace payload::pgp
