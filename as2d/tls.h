// as2d HTTPS: the server's TLS context from [station] tls_* (docs/as2d.md), over Poco
// NetSSL with the OpenSSL context configured directly where POCO has no setting.
//
// i05 10.1: TLS 1.3 MUST, TLS 1.2 MAY (never anything older); only IANA "Recommended"
// suites by default (ECDHE/DHE with AES-GCM or ChaCha20-Poly1305), configurable.
// i05 9.1: the TLS certificate must not be the AS2 signing/encryption certificate.
// i05 10.2: the certificate file holds the full chain, which is sent.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

#include <payload/core/error.h>

#include "config.h"
#include "station_keys.h"

namespace as2d {

struct TlsContext {
  Poco::Net::Context::Ptr context;
  std::string subject;  // of the TLS certificate, for --check-config
  std::string sha256_fingerprint;
};

// Errors (Errc::usage or io) say which tls_* setting is wrong: files that do not load, a
// key that is not the certificate's, the AS2 certificate reused, cipher lists OpenSSL
// does not know.
[[nodiscard]] payload::Result<TlsContext> make_tls_context(const TlsSettings& tls, const StationKeys& as2_keys);

}  // namespace as2d
