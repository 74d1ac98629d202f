// Private to src/cms: a SignedData without its certificates and CRLs, for verification
// against pinned certificates.
//
// OpenSSL 3.0 decodes the public key of every certificate a SignedData carries through
// its provider decoders when the structure is parsed (d2i_CMS_ContentInfo): about 70 µs
// per certificate, more than the RSA verification itself. Verification here never looks
// at those certificates (CMS_NOINTERN: only the partner certificates the caller pinned
// are used; no chain, no CRL), so they are removed before OpenSSL sees the structure.
// Everything the signature covers (the signed attributes, the detached or encapsulated
// content) is copied byte for byte.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace payload::cms::detail {

// The ContentInfo with SignedData's `certificates [0]` and `crls [1]` left out, the outer
// three levels re-encoded with indefinite lengths (BER). nullopt when `cms` is not a
// well-formed SignedData or carries neither field: the caller parses it as it is, so
// malformed input fails exactly as before.
std::optional<std::string> without_certificates(std::string_view cms);

}  // namespace payload::cms::detail
