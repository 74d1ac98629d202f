// payload::sig names: paddings, digests, kinds and statuses as the CLI and JSON spell them.
#include <algorithm>
#include <cctype>
#include <string>

#include <payload/sig/verify_any.h>

namespace payload::sig {

std::string_view name(Padding padding) noexcept { return padding == Padding::pss ? "rsa-pss" : "rsa-pkcs1v15"; }

std::string_view name(Digest digest) noexcept {
  switch (digest) {
    case Digest::sha224: return "sha224";
    case Digest::sha256: return "sha256";
    case Digest::sha384: return "sha384";
    case Digest::sha512: return "sha512";
  }
  return "sha256";
}

std::optional<Digest> parse_digest(std::string_view text) noexcept {
  // Lower-case and drop '-' and '_': "SHA-256", "sha_256", "sha2-256" all become "sha256".
  std::string folded;
  for (const char c : text)
    if (c != '-' && c != '_') folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (folded.rfind("sha2", 0) == 0 && folded.size() == 7) folded.erase(3, 1);
  for (const auto d : {Digest::sha224, Digest::sha256, Digest::sha384, Digest::sha512})
    if (folded == name(d)) return d;
  return std::nullopt;
}

std::string_view kind_name(SignatureKind kind) noexcept {
  switch (kind) {
    case SignatureKind::openpgp_inline: return "openpgp-inline";
    case SignatureKind::openpgp_cleartext: return "openpgp-cleartext";
    case SignatureKind::openpgp_detached: return "openpgp-detached";
    case SignatureKind::cms_attached: return "cms-attached";
    case SignatureKind::cms_detached: return "cms-detached";
    case SignatureKind::smime_multipart: return "smime-multipart-signed";
    case SignatureKind::raw_rsa_pss: return "raw-rsa-pss";
    case SignatureKind::raw_rsa_pkcs1: return "raw-rsa-pkcs1v15";
  }
  return "unknown";
}

std::string_view status_name(CheckStatus status) noexcept {
  switch (status) {
    case CheckStatus::good: return "good";
    case CheckStatus::bad: return "bad";
    case CheckStatus::unknown_signer: return "unknown-signer";
    case CheckStatus::certificate_expired: return "certificate-expired";
    case CheckStatus::certificate_not_yet_valid: return "certificate-not-yet-valid";
    case CheckStatus::certificate_key_usage: return "certificate-key-usage";
    case CheckStatus::key_unusable: return "key-unusable";
    case CheckStatus::digest_refused: return "digest-refused";
  }
  return "bad";
}

Status SignatureCheck::verdict() const {
  switch (status) {
    case CheckStatus::good: return {};
    case CheckStatus::bad: return fail(Errc::bad_signature, detail);
    case CheckStatus::unknown_signer: return fail(Errc::no_key, detail);
    case CheckStatus::certificate_expired:
    case CheckStatus::certificate_not_yet_valid:
    case CheckStatus::certificate_key_usage:
    case CheckStatus::key_unusable: return fail(Errc::key_unusable, detail);
    case CheckStatus::digest_refused: return fail(Errc::unsupported, detail);
  }
  return fail(Errc::internal, detail);
}

}  // namespace payload::sig
