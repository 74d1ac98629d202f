// payload::core random identifiers.
#include <payload/core/random.h>

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <random>

namespace payload {

std::string random_hex128() {
  std::array<unsigned char, 16> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t n = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (n > 0) {
      filled += static_cast<std::size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      // No getrandom (a very old kernel or a seccomp filter): the C++ library's source.
      static thread_local std::random_device device;
      for (; filled < bytes.size(); ++filled) bytes[filled] = static_cast<unsigned char>(device());
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (const unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

}  // namespace payload
