// Fuzz target: the ASCII-armor layer around OpenPGP data (payload's own decoder, in front
// of GPGME) and the packet framing read from what it decodes, as `payload sop armor` and
// `dearmor` do. Input: one byte choosing the chunk size the decoder is fed in (armor
// arrives in pieces of any size), then the text. Decoded data must armor and dearmor
// back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <payload/pgp/armor.h>
#include <payload/pgp/packet.h>

namespace {

using namespace payload;

void scan_packets(std::string_view binary) {
  pgp::PacketScanner scanner;
  std::vector<int> tags;
  if (!scanner.feed(binary, tags)) return;
  (void)pgp::armor_kind_for_packets(tags, scanner.at_boundary());
  (void)pgp::split_packets(binary);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t chunk = data[0] % 64 + 1;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)pgp::starts_armored(text);
  (void)pgp::starts_cleartext_signed(text);
  if (!pgp::starts_armored(text)) scan_packets(text);  // binary input goes straight to the packets

  pgp::ArmorDecoder decoder;
  std::string decoded;
  for (std::size_t at = 0; at < text.size(); at += chunk) {
    auto piece = decoder.update(text.substr(at, chunk));
    if (!piece) return 0;
    decoded += *piece;
  }
  auto rest = decoder.finish();
  if (!rest) return 0;
  decoded += *rest;

  // The whole-buffer form must agree with the chunked one.
  auto whole = pgp::dearmor(text);
  if (!whole || *whole != decoded) std::abort();
  if (auto again = pgp::dearmor(pgp::armor(decoded, pgp::ArmorKind::message)); !again || *again != decoded) std::abort();
  scan_packets(decoded);
  return 0;
}
