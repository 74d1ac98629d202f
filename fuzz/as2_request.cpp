// Fuzz target: an AS2 request in wire form (HTTP header lines, empty line, body), taken
// apart by unpack as the receiver does: AS2 headers, Disposition-Notification-Options,
// the layers in any order (decrypted with PEER_B's test key, verified against PEER_A's
// certificate, decompressed), the payload's filename and the MIC.
#include <cstddef>
#include <cstdint>
#include <string>

#include <payload/as2/unpack.h>

#include "fuzz_keys.h"

namespace {

const payload::as2::UnpackOptions& options() {
  static const payload::as2::UnpackOptions unpack_options = [] {
    using namespace payload;
    const auto& keys = fuzz::interop_keys();
    as2::UnpackOptions result;
    result.identities = {keys.b};
    result.partner_certificates = {keys.a.certificate};
    // Accept every layer combination, the legacy algorithms too, to reach their code.
    result.require_signed = false;
    result.require_encrypted = false;
    result.verify.allowed_digests.push_back(cms::DigestAlg::md5);
    result.verify.allowed_digests.push_back(cms::DigestAlg::sha1);
    result.decrypt.allowed_ciphers.push_back(cms::ContentCipher::des_ede3_cbc);
    result.decompress.max_output = 16 << 20;  // the fuzzer's RSS limit, not the product's
    return result;
  }();
  return unpack_options;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)options();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)payload::as2::unpack(std::string(reinterpret_cast<const char*>(data), size), options());
  return 0;
}
