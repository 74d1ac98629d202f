// OpenPGP packet framing (RFC 4880 4.2).
#include <payload/pgp/packet.h>

#include <algorithm>

namespace payload::pgp {
namespace {

struct Length {
  std::uint64_t value = 0;
  bool partial = false;
  size_t used = 0;  // length octets consumed
};

// RFC 4880 4.2.2: a new-format length, or nullopt while more octets are needed.
std::optional<Length> new_format_length(std::string_view bytes) {
  if (bytes.empty()) return std::nullopt;
  const auto o1 = static_cast<unsigned char>(bytes[0]);
  if (o1 < 192) return Length{o1, false, 1};
  if (o1 < 224) {
    if (bytes.size() < 2) return std::nullopt;
    const auto o2 = static_cast<unsigned char>(bytes[1]);
    return Length{((static_cast<std::uint64_t>(o1) - 192) << 8) + o2 + 192, false, 2};
  }
  if (o1 < 255) return Length{std::uint64_t{1} << (o1 & 0x1f), true, 1};
  if (bytes.size() < 5) return std::nullopt;
  std::uint64_t value = 0;
  for (size_t i = 1; i < 5; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return Length{value, false, 5};
}

// RFC 4880 4.2.1: old-format length types 0, 1 and 2 use 1, 2 and 4 octets.
constexpr size_t old_length_octets(int type) { return type == 0 ? 1 : type == 1 ? 2 : 4; }

std::optional<Length> old_format_length(std::string_view bytes, int type) {
  const size_t n = old_length_octets(type);
  if (bytes.size() < n) return std::nullopt;
  std::uint64_t value = 0;
  for (size_t i = 0; i < n; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return Length{value, false, n};
}

struct Header {
  int tag = 0;
  bool new_format = false;
  int old_length_type = 0;  // 3: indeterminate, the packet runs to the end of the data
};

Result<Header> parse_tag(unsigned char octet) {
  if (!(octet & 0x80)) return fail(Errc::bad_data, "not OpenPGP data (no packet header)");
  Header header;
  header.new_format = (octet & 0x40) != 0;
  if (header.new_format) {
    header.tag = octet & 0x3f;
  } else {
    header.tag = (octet >> 2) & 0x0f;
    header.old_length_type = octet & 0x03;
  }
  if (header.tag == 0) return fail(Errc::bad_data, "not OpenPGP data (reserved packet tag 0)");
  return header;
}

}  // namespace

Status PacketScanner::feed(std::string_view bytes, std::vector<int>& tags) {
  while (!bytes.empty()) {
    switch (m_state) {
      case State::rest:
        return m_on_body ? m_on_body(bytes) : Status{};
      case State::tag: {
        auto header = parse_tag(static_cast<unsigned char>(bytes.front()));
        if (!header) return fail(header.error());
        bytes.remove_prefix(1);
        tags.push_back(header->tag);
        ++m_packets;
        m_new_format = header->new_format;
        m_old_length_type = header->old_length_type;
        m_partial = false;
        m_length_bytes.clear();
        m_state = (!m_new_format && m_old_length_type == 3) ? State::rest : State::length;
        break;
      }
      case State::length: {
        // Take one octet at a time until the length is complete: headers are tiny.
        m_length_bytes.push_back(bytes.front());
        bytes.remove_prefix(1);
        const auto length = m_new_format ? new_format_length(m_length_bytes) : old_format_length(m_length_bytes, m_old_length_type);
        if (!length) break;
        // RFC 4880 4.2.2.4: only data packets may use partial lengths; the first must be
        // at least 512 octets. Enforced loosely: a partial length is taken as it comes.
        m_partial = length->partial;
        m_remaining = length->value;
        m_length_bytes.clear();
        m_state = m_remaining > 0 ? State::body : (m_partial ? State::length : State::tag);
        break;
      }
      case State::body: {
        const auto take = static_cast<size_t>(std::min<std::uint64_t>(m_remaining, bytes.size()));
        if (m_on_body) {
          if (auto status = m_on_body(bytes.substr(0, take)); !status) return status;
        }
        bytes.remove_prefix(take);
        m_remaining -= take;
        if (m_remaining == 0) m_state = m_partial ? State::length : State::tag;
        break;
      }
    }
  }
  return {};
}

bool PacketScanner::at_boundary() const noexcept {
  return m_state == State::rest || (m_state == State::tag && m_length_bytes.empty());
}

Result<std::vector<Packet>> split_packets(std::string_view bytes) {
  std::vector<Packet> packets;
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t start = pos;
    auto header = parse_tag(static_cast<unsigned char>(bytes[pos]));
    if (!header) return fail(header.error());
    ++pos;
    Packet packet;
    packet.tag = header->tag;
    if (!header->new_format && header->old_length_type == 3) {
      packet.body.assign(bytes.substr(pos));
      pos = bytes.size();
    } else {
      for (;;) {
        const auto rest = bytes.substr(pos);
        const auto length = header->new_format ? new_format_length(rest) : old_format_length(rest, header->old_length_type);
        if (!length || rest.size() - length->used < length->value)
          return fail(Errc::bad_data, "OpenPGP data ends inside a packet (truncated)");
        pos += length->used;
        packet.body.append(bytes.substr(pos, static_cast<size_t>(length->value)));
        pos += static_cast<size_t>(length->value);
        if (!length->partial) break;
      }
    }
    packet.encoded.assign(bytes.substr(start, pos - start));
    packets.push_back(std::move(packet));
  }
  return packets;
}

std::string encode_packet(int tag, std::string_view body) {
  std::string out;
  out.push_back(static_cast<char>(0xC0 | (tag & 0x3f)));
  const auto size = body.size();
  if (size < 192) {
    out.push_back(static_cast<char>(size));
  } else if (size < 8384) {
    const auto v = size - 192;
    out.push_back(static_cast<char>((v >> 8) + 192));
    out.push_back(static_cast<char>(v & 0xff));
  } else {
    out.push_back(static_cast<char>(0xff));
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  out.append(body);
  return out;
}

}  // namespace payload::pgp
