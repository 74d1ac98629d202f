// Fuzz target: an MDN as it arrives over HTTP, in wire form (header lines, empty line,
// body): the MIME rebuilt from the HTTP headers, multipart/signed verified against
// PEER_B's test certificate, multipart/report and its notification fields read.
#include <cstddef>
#include <cstdint>
#include <string>

#include <payload/as2/http_message.h>
#include <payload/mdn/parse.h>

#include "fuzz_keys.h"

namespace {

const std::vector<payload::cms::Certificate>& partner_certificates() {
  static const std::vector<payload::cms::Certificate> certificates{payload::fuzz::interop_keys().b.certificate};
  return certificates;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)partner_certificates();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto message = payload::as2::parse_http_message(std::string(reinterpret_cast<const char*>(data), size));
  if (!message) return 0;
  payload::mdn::MdnParseOptions parse_options;
  parse_options.verify.allowed_digests.push_back(payload::cms::DigestAlg::sha1);
  (void)payload::mdn::parse_mdn(message->headers, std::move(message->body), partner_certificates(), parse_options);
  return 0;
}
