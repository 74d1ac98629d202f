// The fuzz input as an io::Input (a memfd), for the streaming forms of the CMS
// operations: they read a descriptor and parse BER themselves (src/cms/ber.cpp) instead
// of handing one buffer to OpenSSL, so they are a parser of their own.
#pragma once

#include <string_view>

#include <payload/io/file.h>

namespace payload::fuzz {

class MemoryInput final {
public:
  explicit MemoryInput(std::string_view bytes);
  ~MemoryInput();
  MemoryInput(const MemoryInput&) = delete;
  MemoryInput& operator=(const MemoryInput&) = delete;
  [[nodiscard]] io::Input input() const { return m_input; }

private:
  io::Input m_input;
};

// An output that discards what it is given (/dev/null), opened once per process.
[[nodiscard]] io::Output discarding_output();

}  // namespace payload::fuzz
