// payload::sig recognition of signed files and detached signatures from their bytes.
#include <payload/sig/detect.h>

#include <algorithm>
#include <system_error>

#include <payload/pgp/armor.h>
#include <payload/pgp/packet.h>

#include <zlib.h>

#include "cms_forms.h"
#include "text.h"

namespace payload::sig {

namespace {

using detail::skip_space;
using detail::starts_with;


// The tags of the OpenPGP packets that start in `head` (which may end inside a packet),
// with the first bytes of the first packet's body; no tags when it is not OpenPGP framing.
struct Framing {
  std::vector<int> tags;
  std::string first_body;  // up to 4 KiB
};

constexpr std::size_t kFirstBody = 4096;

Framing packet_framing(std::string_view head) {
  Framing framing;
  if (head.empty() || (static_cast<unsigned char>(head[0]) & 0x80U) == 0) return framing;
  pgp::PacketScanner scanner([&framing](std::string_view body) {
    if (framing.tags.size() == 1 && framing.first_body.size() < kFirstBody)
      framing.first_body.append(body.substr(0, kFirstBody - framing.first_body.size()));
    return Status{};
  });
  if (!scanner.feed(head, framing.tags)) framing.tags.clear();
  return framing;
}

// Whether `bytes` start with the header of a packet that can open a signed message's
// content (one-pass signature, signature, literal data).
bool starts_message_packet(std::string_view bytes) {
  if (bytes.empty()) return false;
  const auto octet = static_cast<unsigned char>(bytes[0]);
  if ((octet & 0x80U) == 0) return false;
  const int tag = (octet & 0x40U) != 0 ? (octet & 0x3f) : ((octet >> 2) & 0x0f);
  return tag == pgp::tag::one_pass_signature || tag == pgp::tag::signature || tag == pgp::tag::literal;
}

// The first bytes a compressed packet's data (RFC 4880 5.6) inflate to: ZIP is raw
// deflate, ZLIB has its header; empty when they do not inflate.
std::string inflate_start(std::string_view data, bool zlib_header) {
  z_stream z{};
  if (inflateInit2(&z, zlib_header ? 15 : -15) != Z_OK) return {};
  std::string out(64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_SYNC_FLUSH);
  out.resize(out.size() - z.avail_out);
  inflateEnd(&z);
  if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return {};
  return out;
}

// A compressed packet whose content starts like a signed message's.
bool compressed_message(std::string_view body) {
  const auto algorithm = static_cast<unsigned char>(body[0]);
  const std::string_view data = body.substr(1);
  switch (algorithm) {
    case 0: return starts_message_packet(data);
    case 1: return starts_message_packet(inflate_start(data, false));
    case 2: return starts_message_packet(inflate_start(data, true));
    case 3: return data.substr(0, 3) == "BZh" && data.size() > 3 && data[3] >= '1' && data[3] <= '9';
    default: return false;
  }
}

// Whether the first packet begins like what gpg writes for a signed message, checked on
// its body (a compressed one inflated): random binary data passes a bare tag check too
// often (about one file in sixteen), but not these.
bool starts_signed_message(const Framing& framing) {
  if (framing.tags.empty() || framing.first_body.size() < 2) return false;
  const auto byte = [&framing](std::size_t i) { return static_cast<unsigned char>(framing.first_body[i]); };
  const bool literal_follows = std::find(framing.tags.begin() + 1, framing.tags.end(), pgp::tag::literal) != framing.tags.end();
  switch (framing.tags.front()) {
    case pgp::tag::one_pass_signature:  // version 3 (or 6), signature type binary or text
      return (byte(0) == 3 || byte(0) == 6) && byte(1) <= 1;
    case pgp::tag::compressed:
      return compressed_message(framing.first_body);
    case pgp::tag::marker:
      return framing.first_body.substr(0, 3) == "PGP";
    case pgp::tag::literal:  // format octet, RFC 4880 5.9 / RFC 9580 5.9
      return std::string_view("btum1l").find(static_cast<char>(byte(0))) != std::string_view::npos;
    case pgp::tag::signature:  // old-style signed message: signature, then the literal data
      return byte(0) >= 3 && byte(0) <= 6 && literal_follows;
    default:
      return false;
  }
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
    // A signed message: one-pass signatures or (old style) signatures before the literal
    // data, possibly compressed. Signatures alone are a detached signature.
    if (starts_signed_message(packet_framing(head))) return SignatureKind::openpgp_inline;
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
