// as2d configuration values: parsing and formatting of single INI values.
#include "config_values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace as2d {

using payload::Errc;
using payload::fail;
using payload::Result;
namespace cms = payload::cms;

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

// Unsigned decimal without sign, spaces or overflow.
bool parse_u64(std::string_view text, std::uint64_t& value) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string ListenAddress::to_string() const {
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::vector<cms::DigestAlg> default_digests() {
  return {cms::DigestAlg::sha256, cms::DigestAlg::sha384, cms::DigestAlg::sha512, cms::DigestAlg::sha224};
}

std::vector<cms::ContentCipher> default_ciphers() {
  return {cms::ContentCipher::aes256_gcm, cms::ContentCipher::aes128_gcm, cms::ContentCipher::aes256_cbc,
          cms::ContentCipher::aes192_cbc, cms::ContentCipher::aes128_cbc};
}

std::string_view mdn_mode_name(MdnMode mode) noexcept {
  switch (mode) {
    case MdnMode::sync: return "sync";
    case MdnMode::async: return "async";
    case MdnMode::none: return "none";
  }
  return "sync";
}

std::string_view client_auth_name(ClientAuth mode) noexcept {
  switch (mode) {
    case ClientAuth::none: return "none";
    case ClientAuth::optional: return "optional";
    case ClientAuth::required: return "required";
  }
  return "none";
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    const auto comma = text.find(',');
    const auto item = trim(text.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

Result<ListenAddress> parse_listen(std::string_view text) {
  text = trim(text);
  ListenAddress address;
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return fail(Errc::usage, in_quotes(text) + " is not [IPv6]:port");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    address.ipv6 = true;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail(Errc::usage, in_quotes(text) + " is not host:port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return fail(Errc::usage, in_quotes(text) + ": write IPv6 addresses in brackets, e.g. [::]:4080");
  }
  std::uint64_t number = 0;
  if (!parse_u64(port, number) || number > 65535) return fail(Errc::usage, in_quotes(text) + ": bad port");
  address.port = static_cast<std::uint16_t>(number);
  address.host = std::string(host);
  unsigned char buffer[16];
  if (::inet_pton(address.ipv6 ? AF_INET6 : AF_INET, address.host.c_str(), buffer) != 1)
    return fail(Errc::usage, in_quotes(text) + ": the host must be an IP" + (address.ipv6 ? "v6" : "v4") +
                                 " address (e.g. 127.0.0.1, 0.0.0.0, [::])");
  return address;
}

Result<bool> parse_bool(std::string_view text) {
  const auto value = lower(trim(text));
  if (value == "yes" || value == "true" || value == "on" || value == "1") return true;
  if (value == "no" || value == "false" || value == "off" || value == "0") return false;
  return fail(Errc::usage, in_quotes(text) + " is not yes or no");
}

Result<std::uint64_t> parse_size(std::string_view text) {
  text = trim(text);
  std::uint64_t multiplier = 1;
  if (!text.empty()) {
    switch (std::toupper(static_cast<unsigned char>(text.back()))) {
      case 'K': multiplier = std::uint64_t{1} << 10; break;
      case 'M': multiplier = std::uint64_t{1} << 20; break;
      case 'G': multiplier = std::uint64_t{1} << 30; break;
      default: break;
    }
    if (multiplier != 1) text.remove_suffix(1);
  }
  std::uint64_t number = 0;
  if (!parse_u64(text, number) || number == 0 || number > std::numeric_limits<std::uint64_t>::max() / multiplier)
    return fail(Errc::usage, in_quotes(text) + " is not a size (bytes, or with K, M or G)");
  return number * multiplier;
}

Result<std::chrono::seconds> parse_duration(std::string_view text) {
  const auto original = trim(text);
  text = original;
  std::uint64_t multiplier = 1;
  if (!text.empty()) {
    switch (std::tolower(static_cast<unsigned char>(text.back()))) {
      case 's': multiplier = 1; text.remove_suffix(1); break;
      case 'm': multiplier = 60; text.remove_suffix(1); break;
      case 'h': multiplier = 3600; text.remove_suffix(1); break;
      default: break;
    }
  }
  std::uint64_t number = 0;
  if (!parse_u64(text, number) || number == 0 || number > 7 * 24 * 3600 / multiplier)
    return fail(Errc::usage, in_quotes(original) + " is not a duration (seconds, or with s, m or h; at most 7 days)");
  return std::chrono::seconds(static_cast<std::int64_t>(number * multiplier));
}

Result<int> parse_int(std::string_view text, int min, int max) {
  std::uint64_t number = 0;
  if (!parse_u64(trim(text), number) || number < static_cast<std::uint64_t>(min) ||
      number > static_cast<std::uint64_t>(max))
    return fail(Errc::usage, in_quotes(text) + " is not a number from " + std::to_string(min) + " to " +
                                 std::to_string(max));
  return static_cast<int>(number);
}

Result<std::vector<cms::DigestAlg>> parse_digest_list(std::string_view text) {
  std::vector<cms::DigestAlg> digests;
  for (const auto& item : split_list(text)) {
    const auto digest = cms::parse_micalg(item);
    if (!digest) return fail(Errc::usage, in_quotes(item) + " is not a digest (sha-256, sha-384, sha-512, sha-224, sha1, md5)");
    if (std::find(digests.begin(), digests.end(), *digest) != digests.end())
      return fail(Errc::usage, in_quotes(item) + " is listed twice");
    digests.push_back(*digest);
  }
  if (digests.empty()) return fail(Errc::usage, "the list is empty");
  return digests;
}

Result<cms::ContentCipher> parse_cipher(std::string_view text) {
  auto name = lower(trim(text));
  name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
  name.erase(std::remove(name.begin(), name.end(), '_'), name.end());
  if (name == "aes128cbc" || name == "aes128") return cms::ContentCipher::aes128_cbc;
  if (name == "aes192cbc" || name == "aes192") return cms::ContentCipher::aes192_cbc;
  if (name == "aes256cbc" || name == "aes256") return cms::ContentCipher::aes256_cbc;
  if (name == "aes128gcm") return cms::ContentCipher::aes128_gcm;
  if (name == "aes256gcm") return cms::ContentCipher::aes256_gcm;
  if (name == "3des" || name == "desede3cbc" || name == "tripledes" || name == "desede3")
    return cms::ContentCipher::des_ede3_cbc;
  return fail(Errc::usage, in_quotes(text) +
                               " is not a cipher (aes-128-cbc, aes-192-cbc, aes-256-cbc, aes-128-gcm, aes-256-gcm, 3des)");
}

Result<std::vector<cms::ContentCipher>> parse_cipher_list(std::string_view text) {
  std::vector<cms::ContentCipher> ciphers;
  for (const auto& item : split_list(text)) {
    auto cipher = parse_cipher(item);
    if (!cipher) return fail(cipher.error());
    if (std::find(ciphers.begin(), ciphers.end(), *cipher) != ciphers.end())
      return fail(Errc::usage, in_quotes(item) + " is listed twice");
    ciphers.push_back(*cipher);
  }
  if (ciphers.empty()) return fail(Errc::usage, "the list is empty");
  return ciphers;
}

Result<MdnMode> parse_mdn_mode(std::string_view text) {
  const auto value = lower(trim(text));
  if (value == "sync") return MdnMode::sync;
  if (value == "async") return MdnMode::async;
  if (value == "none") return MdnMode::none;
  return fail(Errc::usage, in_quotes(text) + " is not sync, async or none");
}

bool is_valid_as2_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

std::string format_size(std::uint64_t bytes) {
  if (bytes % (std::uint64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes % (std::uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes % (std::uint64_t{1} << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

std::string join_digests(const std::vector<cms::DigestAlg>& digests) {
  std::string out;
  for (const auto digest : digests) out += (out.empty() ? "" : ", ") + std::string(cms::micalg(digest));
  return out;
}

std::string join_ciphers(const std::vector<cms::ContentCipher>& ciphers) {
  std::string out;
  for (const auto cipher : ciphers) out += (out.empty() ? "" : ", ") + std::string(cms::name(cipher));
  return out;
}

}  // namespace as2d
