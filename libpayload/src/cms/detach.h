// Private to src/cms: turns an enveloping CMS read from a stream into a small "detached"
// one plus its content in a spool file, so OpenSSL (whose decoder needs everything in
// memory) only ever sees the small part and reads the large one through a BIO.
//
// RFC 5652 allows it for all three types: eContent of SignedData is OPTIONAL (§5.2),
// encryptedContent of Enveloped/AuthEnvelopedData is OPTIONAL (§6.1, RFC 5083 §2.1), and
// OpenSSL's CMS_verify / CMS_decrypt take such detached content as `dcont`.
#pragma once

#include <openssl/bio.h>

#include <cstdint>
#include <span>
#include <string>

#include <payload/core/error.h>

namespace payload::cms::detail {

enum class CmsType { signed_data, enveloped_data, auth_enveloped_data };

struct Detached {
  CmsType type = CmsType::signed_data;
  std::string cms;          // the ContentInfo without its content, BER
  std::string cipher_oid;   // content cipher OID octets (enveloped types only)
  bool had_content = false;  // false: the input was already detached
};

// Reads one ContentInfo from `in`, writes the (encrypted) content octets to `spool_fd`.
// Errors: bad_data (malformed, truncated, another content type), io.
Result<Detached> detach_content(BIO* in, int spool_fd);

}  // namespace payload::cms::detail
