// payload::pgp packets: the framing of binary OpenPGP data (RFC 4880 4.2), enough to tell
// what a stream holds (a key, a certificate, signatures, a message) and to take apart
// small inputs packet by packet. Packet bodies are not interpreted here.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>

namespace payload::pgp {

// Packet tags (RFC 4880 4.3, RFC 9580 5).
namespace tag {
inline constexpr int pkesk = 1;
inline constexpr int signature = 2;
inline constexpr int skesk = 3;
inline constexpr int one_pass_signature = 4;
inline constexpr int secret_key = 5;
inline constexpr int public_key = 6;
inline constexpr int secret_subkey = 7;
inline constexpr int compressed = 8;
inline constexpr int symmetrically_encrypted = 9;
inline constexpr int marker = 10;
inline constexpr int literal = 11;
inline constexpr int trust = 12;
inline constexpr int user_id = 13;
inline constexpr int public_subkey = 14;
inline constexpr int user_attribute = 17;
inline constexpr int seipd = 18;
inline constexpr int aead_encrypted = 20;
inline constexpr int padding = 21;
}  // namespace tag

// Follows packet boundaries through a stream fed in chunks of any size, without keeping
// the bodies: reports the tag of every packet whose header has been read. Understands
// old and new format headers, partial body lengths and the old indeterminate length.
class PacketScanner final {
public:
  // Receives the body of the current packet (the last tag reported) piece by piece, its
  // partial-length chunks joined.
  using BodyFn = std::function<Status(std::string_view body)>;
  PacketScanner() = default;
  explicit PacketScanner(BodyFn on_body) : m_on_body(std::move(on_body)) {}

  // Feeds the next bytes; the tags of packets that start in them are appended to `tags`.
  // Errc::bad_data when the bytes cannot be OpenPGP packets; a BodyFn error is passed on.
  Status feed(std::string_view bytes, std::vector<int>& tags);
  // True when the bytes so far end exactly after a complete packet (or are empty).
  [[nodiscard]] bool at_boundary() const noexcept;
  [[nodiscard]] std::uint64_t packets() const noexcept { return m_packets; }

private:
  enum class State { tag, length, body, rest };
  State m_state = State::tag;
  bool m_new_format = false;
  bool m_partial = false;  // the current body chunk is followed by another length
  int m_old_length_type = 0;
  std::string m_length_bytes;
  std::uint64_t m_remaining = 0;
  std::uint64_t m_packets = 0;
  BodyFn m_on_body;
};

struct Packet {
  int tag = 0;
  std::string body;    // partial chunks joined
  std::string encoded; // the packet exactly as it appeared in the input, header included
};

// Splits complete binary OpenPGP data into its packets. Errc::bad_data when it is not
// OpenPGP data or ends inside a packet. Small inputs only (keys, signatures, messages
// that are read whole anyway).
Result<std::vector<Packet>> split_packets(std::string_view bytes);

// Encodes a packet with a new-format header and the shortest definite length.
[[nodiscard]] std::string encode_packet(int tag, std::string_view body);

}  // namespace payload::pgp
