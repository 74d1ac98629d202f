// payload::mime private: ASCII helpers that need a definition.
#include "ascii.h"

#include <array>

namespace payload::mime::detail {

std::string describe_byte(char c) {
  const unsigned char b = byte(c);
  if (b > 0x20 && b < 0x7f) return std::string("'") + c + "'";
  constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  return std::string("0x") + kHex[b >> 4] + kHex[b & 0xf];
}

}  // namespace payload::mime::detail
