// Shared plumbing of `payload as2` and `payload mdn`.
#include "as2_support.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>

#include <payload/io/file.h>
#include <payload/mime/base64.h>

namespace payload::cli {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

constexpr std::array kCiphers{cms::ContentCipher::aes128_cbc, cms::ContentCipher::aes192_cbc, cms::ContentCipher::aes256_cbc,
                              cms::ContentCipher::aes128_gcm, cms::ContentCipher::aes256_gcm, cms::ContentCipher::des_ede3_cbc};
constexpr std::array kTransports{cms::KeyTransport::rsa_pkcs1v15, cms::KeyTransport::rsa_oaep_sha1,
                                 cms::KeyTransport::rsa_oaep_sha256, cms::KeyTransport::rsa_oaep_sha512};
constexpr std::array kDigests{cms::DigestAlg::md5, cms::DigestAlg::sha1, cms::DigestAlg::sha224,
                              cms::DigestAlg::sha256, cms::DigestAlg::sha384, cms::DigestAlg::sha512};

}  // namespace

Result<std::vector<cms::Identity>> load_as2_identities(const std::vector<std::string>& keys,
                                                       const std::vector<std::string>& certs, const CommonOptions& common) {
  if (keys.empty() || keys.size() != certs.size())
    return fail(Errc::usage, "give --key and --cert in pairs (" + std::to_string(keys.size()) + " keys, " +
                                 std::to_string(certs.size()) + " certificates)");
  auto passphrase = load_passphrase(common);
  if (!passphrase) return fail(passphrase.error());
  const std::optional<std::string_view> pass = *passphrase ? std::optional<std::string_view>((*passphrase)->view()) : std::nullopt;
  std::vector<cms::Identity> identities;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto cert = cms::Certificate::load(certs[i]);
    if (!cert) return fail(cert.error());
    auto key = cms::PrivateKey::load(keys[i], pass);
    if (!key) return fail(key.error().with_context(keys[i]));
    if (!key->matches(*cert)) return fail(Errc::usage, keys[i] + ": the key does not belong to the certificate " + certs[i]);
    identities.push_back(cms::Identity{*cert, *key});
  }
  return identities;
}

Result<std::vector<cms::Certificate>> load_as2_certificates(const std::vector<std::string>& files) {
  std::vector<cms::Certificate> out;
  for (const auto& file : files) {
    auto certs = cms::Certificate::load_all(file);
    if (!certs) return fail(certs.error());
    out.insert(out.end(), certs->begin(), certs->end());
  }
  return out;
}

Result<cms::DigestAlg> parse_as2_digest(std::string_view text) {
  if (auto digest = cms::parse_micalg(text)) return *digest;
  return fail(Errc::usage, "unknown digest " + std::string(text) +
                               " (sha-256, sha-384, sha-512, sha-224; sha1, md5 for legacy partners)");
}

Result<cms::ContentCipher> parse_as2_cipher(std::string_view text) {
  if (iequals(text, "3des") || iequals(text, "des-ede3") || iequals(text, "tripledes")) return cms::ContentCipher::des_ede3_cbc;
  for (const auto c : kCiphers)
    if (iequals(text, cms::name(c))) return c;
  return fail(Errc::usage, "unknown cipher " + std::string(text) +
                               " (aes-128-cbc, aes-192-cbc, aes-256-cbc, aes-128-gcm, aes-256-gcm; des-ede3-cbc for legacy partners)");
}

Result<cms::KeyTransport> parse_as2_key_transport(std::string_view text) {
  for (const auto t : kTransports)
    if (iequals(text, cms::name(t))) return t;
  return fail(Errc::usage, "unknown key transport " + std::string(text) +
                               " (rsa-pkcs1v15, rsa-oaep-sha1, rsa-oaep-sha256, rsa-oaep-sha512)");
}

Result<mdn::Mic> parse_user_mic(std::string_view text) {
  const bool with_algorithm = text.find_first_of(", \t") != std::string_view::npos;
  if (with_algorithm) {
    auto mic = mdn::parse_mic(text);
    if (!mic) return fail(Errc::usage, "--mic: " + mic.error().message());
    return *mic;
  }
  auto digest = mime::base64_decode(text);
  if (!digest || digest->empty()) return fail(Errc::usage, "--mic: not base64: " + std::string(text));
  for (const auto alg : kDigests) {
    if (cms::digest_size(alg) == digest->size()) return mdn::Mic{alg, std::move(*digest)};
  }
  return fail(Errc::usage, "--mic: a digest of " + std::to_string(digest->size()) +
                               " bytes fits no supported algorithm; give \"BASE64, ALG\"");
}

Status write_output(const std::string& path, std::string_view bytes, bool force) {
  auto target = OutputTarget::open(path, force, false);
  if (!target) return fail(target.error());
  const auto out = target->output();
  if (auto status = io::write_all(out.fd, std::span<const char>(bytes.data(), bytes.size())); !status)
    return fail(status.error().with_context(target->name()));
  return target->commit();
}

std::string iso_time_point(std::chrono::system_clock::time_point at) {
  return iso_time(static_cast<std::int64_t>(std::chrono::system_clock::to_time_t(at)));
}

}  // namespace payload::cli
