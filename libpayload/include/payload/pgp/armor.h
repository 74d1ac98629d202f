// payload::pgp armor: OpenPGP ASCII Armor (RFC 4880 6.2): base64 between BEGIN and END
// lines, followed by a CRC-24 checksum. A streaming encoder and decoder (constant memory,
// any input size) and the choice of the header line from the packets inside.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>

namespace payload::pgp {

// The kinds of armor `payload` writes (RFC 4880 6.2 header lines).
enum class ArmorKind { message, public_key, private_key, signature };

// "PGP MESSAGE", "PGP PUBLIC KEY BLOCK", "PGP PRIVATE KEY BLOCK", "PGP SIGNATURE".
[[nodiscard]] std::string_view armor_label(ArmorKind kind) noexcept;
[[nodiscard]] std::optional<ArmorKind> parse_armor_label(std::string_view label) noexcept;

// RFC 4880 6.1: CRC-24 with generator 0x864CFB, initialised to 0xB704CE.
inline constexpr std::uint32_t crc24_init = 0xB704CEu;
[[nodiscard]] std::uint32_t crc24_update(std::uint32_t crc, std::string_view bytes) noexcept;
[[nodiscard]] inline std::uint32_t crc24(std::string_view bytes) noexcept { return crc24_update(crc24_init, bytes); }

// Encodes binary data as armor: the BEGIN line and a blank line, base64 in lines of 64
// characters, "=" and the base64 CRC-24, the END line. Every line ends in "\n".
class ArmorEncoder final {
public:
  explicit ArmorEncoder(ArmorKind kind) : m_kind(kind) {}
  // The text for `bytes`: the header on the first call, then every completed line.
  [[nodiscard]] std::string update(std::string_view bytes);
  // The rest: the last line, the checksum and the END line.
  [[nodiscard]] std::string finish();

private:
  ArmorKind m_kind;
  bool m_started = false;
  std::string m_pending;  // fewer than one line's worth of input
  std::uint32_t m_crc = crc24_init;
};

// Decodes armored text fed in chunks of any size. Accepts "\n" or "\r\n" line ends,
// trailing whitespace, blank lines before the BEGIN line, armor headers ("Comment: ...",
// also a missing blank line after them), a missing checksum (RFC 9580 makes it
// optional) and several armored blocks in a row, whose data is concatenated. Errc::bad_data
// for anything else: no armor, a cleartext-signed message, bad base64, a wrong checksum,
// an END line that does not match its BEGIN line, or text that ends before the END line.
class ArmorDecoder final {
public:
  // The binary data decoded from `text` so far.
  [[nodiscard]] Result<std::string> update(std::string_view text);
  // Call at the end of the input: the last bytes, or the reason the armor is incomplete.
  [[nodiscard]] Result<std::string> finish();
  // The label of the first block ("PGP MESSAGE"), once its BEGIN line has been read.
  [[nodiscard]] const std::string& label() const noexcept { return m_label; }

private:
  Status line(std::string_view text, std::string& out);
  Status body_line(std::string_view text, std::string& out);
  Status end_block(std::string_view text, std::string& out);

  enum class State { before, headers, body, checksum_read, after };
  State m_state = State::before;
  std::string m_partial_line;
  std::string m_label;        // of the first block
  std::string m_block_label;  // of the block being read
  std::uint32_t m_crc = crc24_init;
  std::uint32_t m_quantum = 0;
  int m_sextets = 0;
  int m_padding = 0;
  bool m_data_done = false;  // padding ended the base64 data of this block
  std::optional<std::uint32_t> m_checksum;
  bool m_blocks = false;
};

// Whole-buffer conveniences.
[[nodiscard]] std::string armor(std::string_view bytes, ArmorKind kind);
Result<std::string> dearmor(std::string_view text);

// True when `head` (the first bytes of an input) starts, after blank space, with an
// armor BEGIN line ("-----BEGIN PGP "); cleartext-signed messages included.
[[nodiscard]] bool starts_armored(std::string_view head) noexcept;
// True when `head` starts, after blank space, with "-----BEGIN PGP SIGNED MESSAGE-----".
[[nodiscard]] bool starts_cleartext_signed(std::string_view head) noexcept;

// The armor kind for binary data whose packets, in order, have the tags seen so far:
// a key by its first packet, a certificate likewise, a run of signatures only is a
// SIGNATURE, anything else a MESSAGE. None while a run of signatures has not ended
// (`complete` false); Errc::bad_data when the first packet starts no OpenPGP object.
Result<std::optional<ArmorKind>> armor_kind_for_packets(const std::vector<int>& tags, bool complete);

}  // namespace payload::pgp
