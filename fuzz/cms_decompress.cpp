// Fuzz target: CMS CompressedData (RFC 3274, zlib), in memory and streamed, with the
// bomb guard at its defaults but the output capped below the fuzzer's memory limit.
// Input: one mode byte (bit 0: streamed), then the CMS.
#include <cstddef>
#include <cstdint>
#include <string>

#include <payload/cms/compress.h>

#include "memory_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace payload;
  if (size < 1) return 0;
  const bool streamed = (data[0] & 1) != 0;
  const std::string_view compressed(reinterpret_cast<const char*>(data) + 1, size - 1);
  cms::DecompressLimits limits;
  limits.max_output = 16 << 20;
  if (streamed) {
    fuzz::MemoryInput input(compressed);
    (void)cms::decompress(input.input(), fuzz::discarding_output(), limits);
  } else {
    cms::DecompressReport report;
    (void)cms::decompress(compressed, limits, &report);
  }
  return 0;
}
