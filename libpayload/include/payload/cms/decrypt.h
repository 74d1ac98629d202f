// payload::cms decryption: opens EnvelopedData or AuthEnvelopedData with whichever of
// our identities it was encrypted to (several identities = certificate rollover), and
// reports the algorithms that protected it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <payload/cms/algorithms.h>
#include <payload/cms/private_key.h>
#include <payload/core/error.h>
#include <payload/io/file.h>

namespace payload::cms {

struct DecryptOptions {
  // Content ciphers accepted from the partner; add des_ede3_cbc for a legacy partner.
  std::vector<ContentCipher> allowed_ciphers{ContentCipher::aes128_cbc, ContentCipher::aes192_cbc,
                                             ContentCipher::aes256_cbc, ContentCipher::aes128_gcm,
                                             ContentCipher::aes256_gcm};
};

struct DecryptReport {
  ContentCipher cipher = ContentCipher::aes256_cbc;
  KeyTransport key_transport = KeyTransport::rsa_pkcs1v15;
  bool authenticated = false;  // AuthEnvelopedData: the GCM tag verified
  std::string recipient_subject;  // which of our certificates opened it
  std::string recipient_serial;
};

// Errors:
//   bad_data     not Enveloped/AuthEnvelopedData, malformed, content key does not unwrap,
//                bad padding, or a GCM tag mismatch (tampering)
//   no_key       no RecipientInfo names any of `identities` (message lists the recipients)
//   unsupported  the content cipher is unknown or not in options.allowed_ciphers (policy)
Result<std::string> decrypt(std::string_view enveloped, const std::vector<Identity>& identities,
                            const DecryptOptions& options = {}, DecryptReport* report = nullptr);
// Streams: the ciphertext is spooled to an anonymous temporary file ($TMPDIR) while the
// structure is parsed, then decrypted from there into `content` in chunks; memory does
// not grow with the message. On error `content` may hold unauthenticated bytes (GCM
// checks its tag at the end): discard it (an io::AtomicFile that is not finished does).
Result<DecryptReport> decrypt(const io::Input& enveloped, const io::Output& content,
                              const std::vector<Identity>& identities, const DecryptOptions& options = {});

}  // namespace payload::cms
