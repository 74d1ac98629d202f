// payload::cms signing: RFC 5652 SignedData, detached (the application/pkcs7-signature
// part of a multipart/signed, RFC 8551 §3.5) or enveloping (application/pkcs7-mime;
// smime-type=signed-data).
//
// Every signature carries signed attributes (RFC 5652 §5.3/§11): contentType,
// messageDigest and signingTime, so the receiver's MIC can be cross-checked against
// messageDigest (as2-specs §2). The content is signed byte for byte (CMS_BINARY): MIME
// canonicalisation is the caller's job, never done here (RFC 8551 §3.1.1).
#pragma once

#include <string>
#include <string_view>

#include <payload/cms/algorithms.h>
#include <payload/cms/private_key.h>
#include <payload/core/error.h>
#include <payload/io/file.h>

namespace payload::cms {

struct SignOptions {
  DigestAlg digest = DigestAlg::sha256;
  // rsa_pkcs1v15 or rsa_pss for RSA keys; EC keys always sign with ecdsa.
  SignatureScheme scheme = SignatureScheme::rsa_pkcs1v15;
  // MD5 and SHA-1 are generated only when this is true (AS2 1.3 forbids them, i05 §2.4.2).
  bool allow_legacy_digest = false;
  // Put the signer certificate into the SignedData (what AS2 partners expect).
  bool include_certificate = true;
};

// Detached signature (DER) over `content`. Errors: usage (policy refused the digest,
// scheme does not fit the key, key does not match the certificate), internal.
Result<std::string> sign_detached(std::string_view content, const Identity& signer, const SignOptions& options = {});
// Streams: reads `content` to its end once, in chunks, and writes the DER signature
// to `signature`. Memory does not grow with the content.
Status sign_detached(const io::Input& content, const io::Output& signature, const Identity& signer,
                     const SignOptions& options = {});

// Enveloping SignedData that contains `content` (DER for the in-memory form).
Result<std::string> sign_enveloping(std::string_view content, const Identity& signer, const SignOptions& options = {});
// Streams: the output is BER with indefinite lengths (RFC 5652 allows BER), written
// while the content is read; memory does not grow with the content.
Status sign_enveloping(const io::Input& content, const io::Output& signed_data, const Identity& signer,
                       const SignOptions& options = {});

}  // namespace payload::cms
