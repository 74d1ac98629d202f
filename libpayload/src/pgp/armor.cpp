// OpenPGP ASCII Armor (RFC 4880 6.2) and its CRC-24 (RFC 4880 6.1).
#include <payload/pgp/armor.h>

#include <algorithm>
#include <array>

#include <payload/pgp/packet.h>

namespace payload::pgp {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr size_t kLineBytes = 48;          // 64 base64 characters per line
constexpr size_t kMaxLineLength = 1 << 16;  // far above RFC 4880's 76; stops runaway input

constexpr std::array<int, 256> make_decode_table() {
  std::array<int, 256> table{};
  for (auto& v : table) v = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  return table;
}
constexpr auto kDecode = make_decode_table();

void base64_append(std::string& out, std::string_view bytes) {
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                            static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 0) return;
  std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
  if (rest == 2) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
  out.push_back(kAlphabet[(v >> 18) & 63]);
  out.push_back(kAlphabet[(v >> 12) & 63]);
  out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
  out.push_back('=');
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

std::string_view skip_blank(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  return text;
}

// "-----BEGIN X-----" -> X
std::optional<std::string_view> armor_line_label(std::string_view line, std::string_view word) {
  const std::string prefix = "-----" + std::string(word) + " ";
  if (line.size() < prefix.size() + 5 || line.substr(0, prefix.size()) != prefix || line.substr(line.size() - 5) != "-----")
    return std::nullopt;
  return line.substr(prefix.size(), line.size() - prefix.size() - 5);
}

// RFC 4880 6.2: "Key: Value" armor headers.
bool is_header_line(std::string_view line) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    const char c = line[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return colon + 1 == line.size() || line[colon + 1] == ' ';
}

}  // namespace

std::string_view armor_label(ArmorKind kind) noexcept {
  switch (kind) {
    case ArmorKind::message: return "PGP MESSAGE";
    case ArmorKind::public_key: return "PGP PUBLIC KEY BLOCK";
    case ArmorKind::private_key: return "PGP PRIVATE KEY BLOCK";
    case ArmorKind::signature: return "PGP SIGNATURE";
  }
  return "PGP MESSAGE";
}

std::optional<ArmorKind> parse_armor_label(std::string_view label) noexcept {
  for (auto kind : {ArmorKind::message, ArmorKind::public_key, ArmorKind::private_key, ArmorKind::signature})
    if (armor_label(kind) == label) return kind;
  return std::nullopt;
}

std::uint32_t crc24_update(std::uint32_t crc, std::string_view bytes) noexcept {
  for (const char c : bytes) {
    crc ^= static_cast<std::uint32_t>(static_cast<unsigned char>(c)) << 16;
    for (int i = 0; i < 8; ++i) {
      crc <<= 1;
      if (crc & 0x1000000u) crc ^= 0x1864CFBu;
    }
  }
  return crc & 0xFFFFFFu;
}

std::string ArmorEncoder::update(std::string_view bytes) {
  std::string out;
  if (!m_started) {
    m_started = true;
    out += "-----BEGIN " + std::string(armor_label(m_kind)) + "-----\n\n";
  }
  m_crc = crc24_update(m_crc, bytes);
  if (!m_pending.empty()) {
    const size_t take = std::min(kLineBytes - m_pending.size(), bytes.size());
    m_pending.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (m_pending.size() < kLineBytes) return out;
    base64_append(out, m_pending);
    out.push_back('\n');
    m_pending.clear();
  }
  while (bytes.size() >= kLineBytes) {
    base64_append(out, bytes.substr(0, kLineBytes));
    out.push_back('\n');
    bytes.remove_prefix(kLineBytes);
  }
  m_pending.assign(bytes);
  return out;
}

std::string ArmorEncoder::finish() {
  std::string out = update({});
  if (!m_pending.empty()) {
    base64_append(out, m_pending);
    out.push_back('\n');
    m_pending.clear();
  }
  const char crc[3] = {static_cast<char>((m_crc >> 16) & 0xff), static_cast<char>((m_crc >> 8) & 0xff), static_cast<char>(m_crc & 0xff)};
  out.push_back('=');
  base64_append(out, std::string_view(crc, 3));
  out += "\n-----END " + std::string(armor_label(m_kind)) + "-----\n";
  return out;
}

Result<std::string> ArmorDecoder::update(std::string_view text) {
  std::string out;
  m_partial_line.append(text);
  size_t start = 0;
  for (;;) {
    const size_t newline = m_partial_line.find('\n', start);
    if (newline == std::string::npos) break;
    if (auto status = line(std::string_view(m_partial_line).substr(start, newline - start), out); !status) return fail(status.error());
    start = newline + 1;
  }
  m_partial_line.erase(0, start);
  if (m_partial_line.size() > kMaxLineLength) return fail(Errc::bad_data, "not ASCII armor: a line longer than 64 KiB");
  return out;
}

Result<std::string> ArmorDecoder::finish() {
  std::string out;
  if (!m_partial_line.empty()) {
    const std::string last = std::move(m_partial_line);
    m_partial_line.clear();
    if (auto status = line(last, out); !status) return fail(status.error());
  }
  if (m_state == State::before) return fail(Errc::bad_data, "no ASCII armor found (no \"-----BEGIN PGP\" line)");
  if (m_state != State::after) return fail(Errc::bad_data, "ASCII armor ends before its END line (truncated)");
  return out;
}

Status ArmorDecoder::line(std::string_view text, std::string& out) {
  text = trim_right(text);
  switch (m_state) {
    case State::before:
    case State::after: {
      if (text.empty()) return {};
      const auto label = armor_line_label(text, "BEGIN");
      if (!label) {
        if (m_state == State::after) return {};  // text after the armor is not ours to judge
        return fail(Errc::bad_data, "no ASCII armor found (no \"-----BEGIN PGP\" line)");
      }
      if (*label == "PGP SIGNED MESSAGE")
        return fail(Errc::bad_data, "a cleartext-signed message is not ASCII-armored data (use inline-detach or inline-verify)");
      if (label->substr(0, 4) != "PGP ") return fail(Errc::bad_data, "not OpenPGP ASCII armor: " + std::string(*label));
      if (label->find(", PART ") != std::string_view::npos) return fail(Errc::bad_data, "multi-part ASCII armor is not supported");
      m_block_label.assign(*label);
      if (!m_blocks) m_label = m_block_label;
      m_blocks = true;
      m_crc = crc24_init;
      m_quantum = 0;
      m_sextets = 0;
      m_padding = 0;
      m_data_done = false;
      m_checksum.reset();
      m_state = State::headers;
      return {};
    }
    case State::headers:
      if (text.empty()) {
        m_state = State::body;
        return {};
      }
      if (is_header_line(text)) return {};
      // Some writers leave out the blank line when there are no headers.
      m_state = State::body;
      [[fallthrough]];
    case State::body:
      if (armor_line_label(text, "END")) return end_block(text, out);
      if (!text.empty() && text.front() == '=') {
        // RFC 4880 6.2: the checksum line, "=" and four base64 characters.
        const auto sum = text.substr(1);
        std::uint32_t value = 0;
        for (const char c : sum) {
          const int v = kDecode[static_cast<unsigned char>(c)];
          if (v < 0 || sum.size() != 4) return fail(Errc::bad_data, "malformed ASCII armor checksum line");
          value = (value << 6) | static_cast<std::uint32_t>(v);
        }
        m_checksum = value;
        m_state = State::checksum_read;
        return {};
      }
      return body_line(text, out);
    case State::checksum_read:
      if (text.empty()) return {};
      if (armor_line_label(text, "END")) return end_block(text, out);
      return fail(Errc::bad_data, "ASCII armor: data after the checksum line");
  }
  return {};
}

Status ArmorDecoder::body_line(std::string_view text, std::string& out) {
  const size_t first = out.size();
  for (const char c : text) {
    if (is_blank(c)) continue;
    if (c == '=') {
      // Padding ends the data: "xx==" carries one byte, "xxx=" two.
      if (m_data_done || m_sextets < 2) return fail(Errc::bad_data, "ASCII armor: misplaced base64 padding");
      ++m_padding;
      if (m_sextets + m_padding == 4) {
        const std::uint32_t v = m_quantum << (6 * m_padding);
        out.push_back(static_cast<char>((v >> 16) & 0xff));
        if (m_sextets == 3) out.push_back(static_cast<char>((v >> 8) & 0xff));
        m_data_done = true;  // nothing may follow
        m_quantum = 0;
        m_sextets = 0;
      }
      continue;
    }
    const int v = kDecode[static_cast<unsigned char>(c)];
    if (v < 0) return fail(Errc::bad_data, "ASCII armor: invalid base64 character");
    if (m_padding > 0) return fail(Errc::bad_data, "ASCII armor: data after base64 padding");
    m_quantum = (m_quantum << 6) | static_cast<std::uint32_t>(v);
    if (++m_sextets == 4) {
      out.push_back(static_cast<char>((m_quantum >> 16) & 0xff));
      out.push_back(static_cast<char>((m_quantum >> 8) & 0xff));
      out.push_back(static_cast<char>(m_quantum & 0xff));
      m_quantum = 0;
      m_sextets = 0;
    }
  }
  m_crc = crc24_update(m_crc, std::string_view(out).substr(first));
  return {};
}

Status ArmorDecoder::end_block(std::string_view text, std::string& out) {
  const auto label = armor_line_label(text, "END");
  if (!label || *label != m_block_label)
    return fail(Errc::bad_data, "ASCII armor: END line does not match \"-----BEGIN " + m_block_label + "-----\"");
  if (m_padding == 0 && m_sextets > 0) {
    // Unpadded final quantum: tolerated, as long as it carries whole bytes.
    if (m_sextets == 1) return fail(Errc::bad_data, "ASCII armor: truncated base64");
    const std::uint32_t v = m_quantum << (6 * (4 - m_sextets));
    std::string tail;
    tail.push_back(static_cast<char>((v >> 16) & 0xff));
    if (m_sextets == 3) tail.push_back(static_cast<char>((v >> 8) & 0xff));
    m_crc = crc24_update(m_crc, tail);
    out += tail;
  } else if (m_padding > 0 && !m_data_done) {
    return fail(Errc::bad_data, "ASCII armor: incomplete base64 padding");
  }
  if (m_checksum && *m_checksum != m_crc) return fail(Errc::bad_data, "ASCII armor: checksum mismatch (the data was changed)");
  m_state = State::after;
  return {};
}

std::string armor(std::string_view bytes, ArmorKind kind) {
  ArmorEncoder encoder(kind);
  std::string out = encoder.update(bytes);
  out += encoder.finish();
  return out;
}

Result<std::string> dearmor(std::string_view text) {
  ArmorDecoder decoder;
  auto out = decoder.update(text);
  if (!out) return out;
  auto rest = decoder.finish();
  if (!rest) return rest;
  return *out + *rest;
}

bool starts_armored(std::string_view head) noexcept { return skip_blank(head).substr(0, 15) == "-----BEGIN PGP "; }

bool starts_cleartext_signed(std::string_view head) noexcept {
  return skip_blank(head).substr(0, 34) == "-----BEGIN PGP SIGNED MESSAGE-----";
}

Result<std::optional<ArmorKind>> armor_kind_for_packets(const std::vector<int>& tags, bool complete) {
  if (tags.empty()) {
    if (complete) return fail(Errc::bad_data, "no OpenPGP data");
    return std::optional<ArmorKind>();
  }
  switch (tags.front()) {
    case tag::secret_key: return std::optional<ArmorKind>(ArmorKind::private_key);
    case tag::public_key: return std::optional<ArmorKind>(ArmorKind::public_key);
    case tag::signature:
      for (const int t : tags)
        if (t != tag::signature) return std::optional<ArmorKind>(ArmorKind::message);
      if (complete) return std::optional<ArmorKind>(ArmorKind::signature);
      return std::optional<ArmorKind>();
    case tag::pkesk:
    case tag::skesk:
    case tag::one_pass_signature:
    case tag::compressed:
    case tag::symmetrically_encrypted:
    case tag::marker:
    case tag::literal:
    case tag::seipd:
    case tag::aead_encrypted: return std::optional<ArmorKind>(ArmorKind::message);
    default:
      return fail(Errc::bad_data, "OpenPGP data starting with a packet of tag " + std::to_string(tags.front()) +
                                      " is no message, key, certificate or signature");
  }
}

}  // namespace payload::pgp
