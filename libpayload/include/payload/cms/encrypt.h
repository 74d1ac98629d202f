// payload::cms encryption: RFC 5652 EnvelopedData (CBC ciphers) and RFC 5083
// AuthEnvelopedData (AES-GCM, RFC 5084) to one or more recipient certificates with RSA
// key transport.
//
// i05 §7.3.1: one content cipher for all recipients; CBC content needs a signature for
// integrity, GCM brings its own. i05 §7.3.2: list our own certificate too to keep a
// readable copy (an "originator copy").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <payload/cms/algorithms.h>
#include <payload/cms/certificate.h>
#include <payload/core/error.h>
#include <payload/io/file.h>

namespace payload::cms {

struct EncryptOptions {
  ContentCipher cipher = ContentCipher::aes256_cbc;
  KeyTransport key_transport = KeyTransport::rsa_pkcs1v15;
  // 3DES is generated only when this is true (RFC 8551 App. B.3: decrypt-only).
  bool allow_legacy_cipher = false;
};

// Encrypts `content` to every recipient. Errors: usage (empty recipient list, 3DES
// without allow_legacy_cipher, a recipient key that is not RSA), internal.
Result<std::string> encrypt(std::string_view content, const std::vector<Certificate>& recipients,
                            const EncryptOptions& options = {});
// Streams: BER with indefinite lengths, written while the content is read; memory does
// not grow with the content.
Status encrypt(const io::Input& content, const io::Output& enveloped, const std::vector<Certificate>& recipients,
               const EncryptOptions& options = {});

}  // namespace payload::cms
