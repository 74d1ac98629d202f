// Private to src/cms: RAII handles for the OpenSSL objects this module touches, BIOs
// over our descriptors and strings, and the one place the OpenSSL error queue becomes an
// Error. The only header of the module that includes OpenSSL.
#pragma once

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>
#include <payload/core/error.h>
#include <payload/io/file.h>

namespace payload::cms::detail {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};

inline void free_x509_stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
inline void free_bio_all(BIO* b) { BIO_free_all(b); }

using BioPtr = std::unique_ptr<BIO, Deleter<BIO, free_bio_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_x509_stack>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo, CMS_ContentInfo_free>>;

// Takes the whole OpenSSL error queue (oldest first) into one Error: "what: reason; reason".
// The code becomes `io` when a descriptor read or write failed underneath.
Error openssl_error(Errc code, std::string what);

// A BIO that reads `bytes` without copying them; `bytes` must outlive it.
BioPtr memory_source(std::string_view bytes);
// A growing memory BIO to collect output.
BioPtr memory_sink();
std::string take_memory(BIO* sink);
// BIOs over a caller's descriptor (not closed). Writes retry until complete; EINTR is retried.
BioPtr fd_source(const io::Input& input);
BioPtr fd_sink(const io::Output& output);

// Parses DER or BER ContentInfo; bad_data on failure.
Result<CmsPtr> parse_cms(std::string_view der);

std::chrono::system_clock::time_point to_time_point(const ASN1_TIME* t);
std::string hex(const unsigned char* data, std::size_t size);
// "CN=…,O=…" (RFC 2253 order).
std::string name_string(const X509_NAME* name);
std::string serial_hex(const ASN1_INTEGER* serial);
// Dotted OID text of an ASN1_OBJECT.
std::string oid_text(const ASN1_OBJECT* obj);

struct CertificateHandle {
  X509Ptr x509;
  // Certificate::info(), worked out once: the certificate never changes, and every
  // decryption and verification report asks for it (3 µs each time: the names printed,
  // the SHA-256 fingerprint).
  mutable std::once_flag info_once;
  mutable CertificateInfo info;
};
struct PrivateKeyHandle {
  PkeyPtr pkey;
};

inline X509* x509(const Certificate& c) { return c.handle().x509.get(); }
inline EVP_PKEY* pkey(const PrivateKey& k) { return k.handle().pkey.get(); }
Certificate wrap(X509Ptr x509);

// A stack of up-referenced certificates.
X509StackPtr x509_stack(const std::vector<Certificate>& certificates);

}  // namespace payload::cms::detail
