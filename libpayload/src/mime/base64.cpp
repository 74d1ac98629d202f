// payload::mime base64 encoder and strict-alphabet decoder.
#include <payload/mime/base64.h>

#include <array>

#include "ascii.h"

namespace payload::mime {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for alphabet characters, -1 otherwise.
constexpr std::array<signed char, 256> make_decode_table() {
  std::array<signed char, 256> table{};
  for (auto& entry : table) entry = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
  return table;
}
constexpr std::array<signed char, 256> kDecode = make_decode_table();

}  // namespace

std::string base64_encode(std::string_view data, std::size_t line_length) {
  std::string out;
  const std::size_t encoded = (data.size() + 2) / 3 * 4;
  out.reserve(encoded + (line_length > 0 ? encoded / line_length * 2 : 0));
  std::size_t column = 0;
  auto put = [&](char c) {
    if (line_length > 0 && column == line_length) {
      out += "\r\n";
      column = 0;
    }
    out += c;
    ++column;
  };
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const unsigned v = detail::byte(data[i]) << 16 | detail::byte(data[i + 1]) << 8 | detail::byte(data[i + 2]);
    put(kAlphabet[v >> 18 & 63]);
    put(kAlphabet[v >> 12 & 63]);
    put(kAlphabet[v >> 6 & 63]);
    put(kAlphabet[v & 63]);
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    const unsigned v = detail::byte(data[i]) << 16 | (rest == 2 ? detail::byte(data[i + 1]) << 8 : 0u);
    put(kAlphabet[v >> 18 & 63]);
    put(kAlphabet[v >> 12 & 63]);
    put(rest == 2 ? kAlphabet[v >> 6 & 63] : '=');
    put('=');
  }
  return out;
}

Status Base64Decoder::update(std::string_view text, std::string& out) {
  out.reserve(out.size() + text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n' || detail::is_wsp(c)) continue;
    const std::size_t at = m_offset + i;
    if (c == '=') {
      // RFC 2045 6.8: '=' only pads the last group, to 2 or 3 data characters.
      if (m_filled + m_padding < 2) return fail(Errc::bad_data, "base64 padding '=' at offset " + std::to_string(at) + " is misplaced");
      ++m_padding;
      if (m_filled + m_padding > 4) return fail(Errc::bad_data, "base64 padding '=' at offset " + std::to_string(at) + " is misplaced");
      continue;
    }
    const int value = kDecode[detail::byte(c)];
    if (value < 0) {
      return fail(Errc::bad_data, "invalid base64 character " + detail::describe_byte(c) + " at offset " + std::to_string(at));
    }
    if (m_padding > 0) return fail(Errc::bad_data, "base64 data after '=' padding at offset " + std::to_string(at));
    m_accumulator = m_accumulator << 6 | static_cast<unsigned>(value);
    if (++m_filled == 4) {
      out += static_cast<char>(m_accumulator >> 16 & 0xff);
      out += static_cast<char>(m_accumulator >> 8 & 0xff);
      out += static_cast<char>(m_accumulator & 0xff);
      m_accumulator = 0;
      m_filled = 0;
    }
  }
  m_offset += text.size();
  return {};
}

Status Base64Decoder::finish(std::string& out) {
  if (m_filled + m_padding != 0 && m_filled + m_padding != 4) {
    return fail(Errc::bad_data,
                "base64 text is truncated: its last group has " + std::to_string(m_filled + m_padding) + " of 4 characters");
  }
  if (m_padding > 0) {
    // 2 data characters carry 1 byte, 3 carry 2 (the low bits of the last sextet are fill).
    m_accumulator <<= 6 * m_padding;
    out += static_cast<char>(m_accumulator >> 16 & 0xff);
    if (m_filled == 3) out += static_cast<char>(m_accumulator >> 8 & 0xff);
  }
  return {};
}

Result<std::string> base64_decode(std::string_view text) {
  std::string out;
  Base64Decoder decoder;
  if (auto ok = decoder.update(text, out); !ok) return fail(ok.error());
  if (auto ok = decoder.finish(out); !ok) return fail(ok.error());
  return out;
}

}  // namespace payload::mime
