// Fuzz target: CMS EnvelopedData and AuthEnvelopedData opened with PEER_B's fixed test
// key, in memory and streamed. Input: one mode byte (bit 0: streamed), then the CMS.
#include <cstddef>
#include <cstdint>
#include <string>

#include <payload/cms/decrypt.h>

#include "fuzz_keys.h"
#include "memory_input.h"

namespace {

using namespace payload;

const std::vector<cms::Identity>& identities() {
  static const std::vector<cms::Identity> ours{fuzz::interop_keys().b};
  return ours;
}

const cms::DecryptOptions& decrypt_options() {
  static const cms::DecryptOptions options = [] {
    cms::DecryptOptions result;
    result.allowed_ciphers.push_back(cms::ContentCipher::des_ede3_cbc);
    return result;
  }();
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)identities();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool streamed = (data[0] & 1) != 0;
  const std::string_view enveloped(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (streamed) {
    fuzz::MemoryInput input(enveloped);
    (void)cms::decrypt(input.input(), fuzz::discarding_output(), identities(), decrypt_options());
  } else {
    cms::DecryptReport report;
    (void)cms::decrypt(enveloped, identities(), decrypt_options(), &report);
  }
  return 0;
}
