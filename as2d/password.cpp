// as2d password hashes: SHA512-crypt through libxcrypt, PBKDF2-SHA256 through OpenSSL.
#include "password.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <vector>

#include <payload/mime/base64.h>

namespace as2d {

using payload::Errc;
using payload::fail;
using payload::Result;
using payload::Status;

namespace {

constexpr std::string_view pbkdf2_prefix = "$pbkdf2-sha256$";
constexpr std::size_t pbkdf2_hash_size = 32;
constexpr unsigned pbkdf2_min_rounds = 10000;

// passlib's adapted base64: standard alphabet with '.' for '+', no padding.
Result<std::string> ab64_decode(std::string_view text) {
  std::string standard(text);
  std::replace(standard.begin(), standard.end(), '.', '+');
  if (standard.find_first_of("=\r\n \t") != std::string::npos) return fail(Errc::usage, "bad adapted base64");
  while (standard.size() % 4 != 0) standard.push_back('=');
  auto decoded = payload::mime::base64_decode(standard);
  if (!decoded) return fail(Errc::usage, "bad adapted base64");
  return decoded;
}

std::string ab64_encode(std::string_view bytes) {
  auto text = payload::mime::base64_encode(bytes, 0);
  while (!text.empty() && text.back() == '=') text.pop_back();
  std::replace(text.begin(), text.end(), '+', '.');
  return text;
}

struct Pbkdf2Hash {
  unsigned rounds = 0;
  std::string salt;
  std::string hash;
};

Result<Pbkdf2Hash> parse_pbkdf2(std::string_view text) {
  text.remove_prefix(pbkdf2_prefix.size());
  std::vector<std::string_view> fields;
  while (true) {
    const auto dollar = text.find('$');
    fields.push_back(text.substr(0, dollar));
    if (dollar == std::string_view::npos) break;
    text.remove_prefix(dollar + 1);
  }
  if (fields.size() != 3) return fail(Errc::usage, "a $pbkdf2-sha256$ hash is $pbkdf2-sha256$ROUNDS$SALT$HASH");
  Pbkdf2Hash parsed;
  const auto [end, ec] = std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), parsed.rounds);
  if (ec != std::errc() || end != fields[0].data() + fields[0].size() || parsed.rounds < pbkdf2_min_rounds ||
      parsed.rounds > 100'000'000)
    return fail(Errc::usage, "$pbkdf2-sha256$: rounds must be a number from 10000 to 100000000");
  auto salt = ab64_decode(fields[1]);
  if (!salt || salt->size() < 8) return fail(Errc::usage, "$pbkdf2-sha256$: the salt must be at least 8 bytes of adapted base64");
  auto hash = ab64_decode(fields[2]);
  if (!hash || hash->size() != pbkdf2_hash_size)
    return fail(Errc::usage, "$pbkdf2-sha256$: the hash must be 32 bytes of adapted base64");
  parsed.salt = std::move(*salt);
  parsed.hash = std::move(*hash);
  return parsed;
}

Result<std::string> pbkdf2(std::string_view password, std::string_view salt, unsigned rounds) {
  std::string out(pbkdf2_hash_size, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        static_cast<int>(rounds), EVP_sha256(), static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1)
    return fail(Errc::internal, "PBKDF2 failed");
  return out;
}

Status check_sha512_crypt(std::string_view hash) {
  // $6$[rounds=N$]salt$86 characters of crypt base64
  constexpr std::string_view alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const auto last = hash.rfind('$');
  const auto digest = hash.substr(last + 1);
  if (last < 3 || digest.size() != 86 || digest.find_first_not_of(alphabet) != std::string_view::npos)
    return fail(Errc::usage, "a $6$ hash is $6$SALT$ followed by 86 characters");
  return {};
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Status check_password_hash(std::string_view hash) {
  if (hash.size() > 512) return fail(Errc::usage, "the password hash is too long");
  if (hash.starts_with("$6$")) return check_sha512_crypt(hash);
  if (hash.starts_with(pbkdf2_prefix)) {
    auto parsed = parse_pbkdf2(hash);
    if (!parsed) return fail(parsed.error());
    return {};
  }
  return fail(Errc::usage, "the password hash must be $6$... (SHA512-crypt) or $pbkdf2-sha256$... (PBKDF2-SHA256)");
}

Result<bool> verify_password(std::string_view password, std::string_view hash) {
  if (auto ok = check_password_hash(hash); !ok) return fail(ok.error());
  if (password.size() > max_credential_length) return false;
  if (hash.starts_with(pbkdf2_prefix)) {
    auto parsed = parse_pbkdf2(hash);
    auto computed = pbkdf2(password, parsed->salt, parsed->rounds);
    if (!computed) return fail(computed.error());
    const bool equal = constant_time_equal(*computed, parsed->hash);
    OPENSSL_cleanse(computed->data(), computed->size());
    return equal;
  }
  // crypt(3) takes C strings: a password with a NUL byte cannot match.
  if (password.find('\0') != std::string_view::npos) return false;
  const std::string key(password), setting(hash);
  auto data = std::make_unique<crypt_data>();
  const char* result = ::crypt_r(key.c_str(), setting.c_str(), data.get());
  if (result == nullptr || result[0] == '*') return fail(Errc::internal, "crypt(3) refused the $6$ hash");
  const bool equal = constant_time_equal(result, hash);
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return equal;
}

Result<std::string> make_pbkdf2_hash(std::string_view password, unsigned rounds) {
  if (password.empty() || password.size() > max_credential_length)
    return fail(Errc::usage, "the password must have 1 to 150 characters");
  if (rounds < pbkdf2_min_rounds) return fail(Errc::usage, "PBKDF2 needs at least 10000 rounds");
  std::string salt(16, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1)
    return fail(Errc::internal, "no random bytes for the salt");
  auto hash = pbkdf2(password, salt, rounds);
  if (!hash) return fail(hash.error());
  return std::string(pbkdf2_prefix) + std::to_string(rounds) + "$" + ab64_encode(salt) + "$" + ab64_encode(*hash);
}

}  // namespace as2d
