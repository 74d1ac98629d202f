// Fuzz target: CMS SignedData verification against PEER_A's test certificate, detached
// (AS2's multipart/signed) and enveloping, in memory and streamed.
// Input: one mode byte (bit 0: detached, bit 1: streamed), then for detached a 2-byte
// big-endian content length, the content and the signature; for enveloping the SignedData.
#include <cstddef>
#include <cstdint>
#include <string>

#include <payload/cms/verify.h>

#include "fuzz_keys.h"
#include "memory_input.h"

namespace {

using namespace payload;

const std::vector<cms::Certificate>& partners() {
  static const std::vector<cms::Certificate> certificates{fuzz::interop_keys().a.certificate};
  return certificates;
}

const cms::VerifyOptions& verify_options() {
  static const cms::VerifyOptions options = [] {
    cms::VerifyOptions result;
    result.allowed_digests.push_back(cms::DigestAlg::md5);
    result.allowed_digests.push_back(cms::DigestAlg::sha1);
    return result;
  }();
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)partners();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const int mode = data[0];
  const bool detached = (mode & 1) != 0;
  const bool streamed = (mode & 2) != 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (detached) {
    if (rest.size() < 2) return 0;
    const std::size_t length = (static_cast<unsigned char>(rest[0]) << 8) | static_cast<unsigned char>(rest[1]);
    rest.remove_prefix(2);
    if (length > rest.size()) return 0;
    const std::string_view content = rest.substr(0, length);
    const std::string_view signature = rest.substr(length);
    if (streamed) {
      fuzz::MemoryInput input(content);
      (void)cms::verify_detached(input.input(), signature, partners(), verify_options());
    } else {
      (void)cms::verify_detached(content, signature, partners(), verify_options());
    }
  } else if (streamed) {
    fuzz::MemoryInput input(rest);
    (void)cms::verify_enveloping(input.input(), fuzz::discarding_output(), partners(), verify_options());
  } else {
    std::string content;
    (void)cms::verify_enveloping(rest, content, partners(), verify_options());
  }
  return 0;
}
