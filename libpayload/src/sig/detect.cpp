// payload::sig recognition of signed files and detached signatures from their bytes.
#include <payload/sig/detect.h>

#include <algorithm>
#include <system_error>

#include <payload/pgp/armor.h>
#include <payload/pgp/packet.h>

#include "cms_forms.h"

namespace payload::sig {

namespace {

std::string_view skip_space(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' || text.front() == '\n'))
    text.remove_prefix(1);
  return text;
}

bool starts_with(std::string_view text, std::string_view prefix) noexcept { return text.substr(0, prefix.size()) == prefix; }

// The tags of the OpenPGP packets that start in `head` (which may end inside a packet);
// empty when it is not OpenPGP framing. A packet header byte always has bit 7 set.
std::vector<int> packet_tags(std::string_view head) {
  std::vector<int> tags;
  if (head.empty() || (static_cast<unsigned char>(head[0]) & 0x80U) == 0) return tags;
  pgp::PacketScanner scanner;
  if (!scanner.feed(head, tags)) tags.clear();
  return tags;
}

bool is_message_start(int tag) {
  return tag == pgp::tag::one_pass_signature || tag == pgp::tag::compressed || tag == pgp::tag::literal ||
         tag == pgp::tag::marker;
}

}  // namespace

std::optional<SignatureKind> detect_signed_file(std::string_view head) noexcept {
  try {
    const std::string_view text = skip_space(head);
    if (pgp::starts_cleartext_signed(text)) return SignatureKind::openpgp_cleartext;
    if (starts_with(text, "-----BEGIN PGP MESSAGE-----")) return SignatureKind::openpgp_inline;
    if (detail::starts_pem_cms(text)) return SignatureKind::cms_attached;
    if (detail::starts_signed_data(head)) return SignatureKind::cms_attached;
    if (const auto media = detail::mime_media_type(head)) {
      if (*media == "multipart/signed") return SignatureKind::smime_multipart;
      if (*media == "application/pkcs7-mime" || *media == "application/x-pkcs7-mime") return SignatureKind::cms_attached;
    }
    const auto tags = packet_tags(head);
    // A signed message: one-pass signatures or (old style) signatures before the literal
    // data, possibly compressed. Signatures alone are a detached signature.
    if (!tags.empty() && (is_message_start(tags.front()) ||
                          std::any_of(tags.begin(), tags.end(), [](int t) { return t == pgp::tag::literal; })))
      return SignatureKind::openpgp_inline;
  } catch (...) {
    // Recognition only reads; an allocation failure means "not recognised".
  }
  return std::nullopt;
}

std::optional<SignatureKind> detect_detached_signature(std::string_view signature,
                                                       const std::vector<std::size_t>& rsa_modulus_bytes) {
  const std::string_view text = skip_space(signature);
  if (starts_with(text, "-----BEGIN PGP SIGNATURE-----")) return SignatureKind::openpgp_detached;
  if (detail::starts_pem_cms(text) || detail::starts_signed_data(signature)) return SignatureKind::cms_detached;
  if (const auto media = detail::mime_media_type(signature);
      media && (*media == "application/pkcs7-signature" || *media == "application/x-pkcs7-signature"))
    return SignatureKind::cms_detached;
  // Whole signature packets and nothing else (a raw value rarely parses as such).
  if (!signature.empty() && (static_cast<unsigned char>(signature[0]) & 0x80U) != 0) {
    auto packets = pgp::split_packets(signature);
    if (packets && !packets->empty() && std::all_of(packets->begin(), packets->end(), [](const pgp::Packet& p) {
          return p.tag == pgp::tag::signature || p.tag == pgp::tag::marker;
        }))
      return SignatureKind::openpgp_detached;
  }
  if (std::find(rsa_modulus_bytes.begin(), rsa_modulus_bytes.end(), signature.size()) != rsa_modulus_bytes.end())
    return SignatureKind::raw_rsa_pss;
  return std::nullopt;
}

std::optional<std::filesystem::path> find_detached_signature(const std::filesystem::path& file) {
  for (const char* suffix : {".sig", ".asc", ".p7s", ".sign"}) {
    std::filesystem::path candidate = file;
    candidate += suffix;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

}  // namespace payload::sig
