// as2d HTTPS context.
#include "tls.h"

#include <Poco/Exception.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <payload/cms/certificate.h>

#include "openssl_util.h"

namespace as2d {

using payload::Errc;
using payload::fail;
using payload::Result;

Result<TlsContext> make_tls_context(const TlsSettings& tls, const StationKeys& as2_keys) {
  // i05 9.1: the certificate roles stay apart.
  auto chain = payload::cms::Certificate::load_all(tls.cert);
  if (!chain) return fail(chain.error().with_context("[station] tls_cert: " + tls.cert.string()));
  const auto& leaf = chain->front();
  for (const auto& identity : as2_keys.identities) {
    if (identity.certificate.der() == leaf.der())
      return fail(Errc::usage, "[station] tls_cert: " + tls.cert.string() +
                                   " is the AS2 certificate; TLS needs a certificate of its own (i05 9.1)");
  }

  TlsContext result;
  result.subject = leaf.info().subject;
  result.sha256_fingerprint = leaf.info().sha256_fingerprint;
  try {
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // set below on the OpenSSL context
    params.loadDefaultCAs = false;
    params.cipherList = tls.ciphers;
    params.dhUse2048Bits = true;
    result.context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
  } catch (const Poco::Exception& e) {
    return fail(Errc::usage, "[station] tls_ciphers: " + e.displayText());
  }
  SSL_CTX* ctx = result.context->sslContext();
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(ctx, tls.min_version == TlsVersion::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)
    return fail(Errc::internal, "TLS versions: " + openssl_errors());
  // POCO does not check the list it was given: OpenSSL refuses one that names no cipher.
  if (SSL_CTX_set_cipher_list(ctx, tls.ciphers.c_str()) != 1)
    return fail(Errc::usage, "[station] tls_ciphers: \"" + tls.ciphers + "\": " + openssl_errors());
  if (SSL_CTX_set_ciphersuites(ctx, tls.ciphersuites.c_str()) != 1)
    return fail(Errc::usage, "[station] tls_ciphersuites: \"" + tls.ciphersuites + "\": " + openssl_errors());
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert.c_str()) != 1)
    return fail(Errc::usage, "[station] tls_cert: " + tls.cert.string() + ": " + openssl_errors());

  auto key = read_pem_private_key(tls.key, tls.key_passphrase);
  if (!key) return fail(key.error().code(), "[station] tls_key: " + key.error().message());
  if (SSL_CTX_use_PrivateKey(ctx, key->get()) != 1 || SSL_CTX_check_private_key(ctx) != 1)
    return fail(Errc::usage, "[station] tls_key: " + tls.key.string() + " is not the key of " + tls.cert.string());

  if (!tls.client_ca.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, tls.client_ca.c_str(), nullptr) != 1)
      return fail(Errc::usage, "[station] tls_client_ca: " + tls.client_ca.string() + ": " + openssl_errors());
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca.c_str());
    if (names == nullptr)
      return fail(Errc::usage, "[station] tls_client_ca: " + tls.client_ca.string() + ": no certificate");
    SSL_CTX_set_client_CA_list(ctx, names);
  }
  int verify = SSL_VERIFY_NONE;
  if (tls.client_auth == ClientAuth::optional) verify = SSL_VERIFY_PEER;
  if (tls.client_auth == ClientAuth::required) verify = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(ctx, verify, nullptr);
  result.context->enableSessionCache(true, "as2d");
  return result;
}

}  // namespace as2d
