// as2d outbound HTTP.
#include "http_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/URI.h>
#include <payload/mime/base64.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>

#include "openssl_util.h"
#include "secret.h"

namespace as2d {

using payload::Errc;
using payload::fail;
using payload::Result;

namespace {

// A string that starts on the heap, so that moving it into a Secret moves the buffer
// itself (a short string would leave its bytes in the moved-from object).
std::string heap_string(std::size_t size) {
  std::string text;
  text.reserve(std::max<std::size_t>(size, 32));
  return text;
}

// "Basic base64(user:password)" (RFC 7617), built only in buffers that are wiped
// (POCO's HTTPBasicCredentials keeps copies of the password it never wipes).
Secret basic_authorization(const std::string& user, const Secret& password) {
  std::string joined = heap_string(user.size() + 1 + password.size());
  joined.append(user).append(1, ':').append(password.str());
  const Secret credentials(std::move(joined));
  std::string encoded = payload::mime::base64_encode(credentials.view(), 0);
  std::string header = heap_string(6 + encoded.size());
  header.append("Basic ").append(encoded);
  wipe(encoded);
  return Secret(std::move(header));
}

// Wipes POCO's copy of the Authorization header when the request object is done with,
// whichever way the exchange ends.
struct AuthorizationWiper {
  Poco::Net::HTTPRequest& request;
  explicit AuthorizationWiper(Poco::Net::HTTPRequest& r) : request(r) {}
  AuthorizationWiper(const AuthorizationWiper&) = delete;
  AuthorizationWiper& operator=(const AuthorizationWiper&) = delete;
  ~AuthorizationWiper() {
    // NameValueCollection hands out only const references; the object itself is not const.
    if (request.has("Authorization")) wipe(const_cast<std::string&>(request.get("Authorization")));
  }
};

// A reply body larger than this is no MDN and no error page: refused, so that a hostile
// server cannot make us buffer without end.
constexpr std::size_t max_reply_size = std::size_t{16} << 20;

// The client context: TLS 1.2 or newer, the chain verified by OpenSSL (against the CA
// file or the system store) and the host name or IP address checked by OpenSSL too,
// also for loopback names (POCO's own check skips those).
Result<Poco::Net::Context::Ptr> client_context(const PostRequest& request, const std::string& host) {
  Poco::Net::Context::Ptr context;
  try {
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    params.loadDefaultCAs = request.ca_file.empty();
    if (!request.ca_file.empty()) params.caLocation = request.ca_file.string();
    context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& e) {
    return fail(Errc::usage, "TLS client context (CA file " + request.ca_file.string() + "): " + e.displayText());
  }
  SSL_CTX* ctx = context->sslContext();
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
    return fail(Errc::internal, "TLS versions: " + openssl_errors());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  X509_VERIFY_PARAM* verify = SSL_CTX_get0_param(ctx);
  Poco::Net::IPAddress ip;
  const bool is_ip = Poco::Net::IPAddress::tryParse(host, ip);
  if ((is_ip ? X509_VERIFY_PARAM_set1_ip_asc(verify, host.c_str()) : X509_VERIFY_PARAM_set1_host(verify, host.c_str(), 0)) != 1)
    return fail(Errc::usage, "cannot check the server name " + host + ": " + openssl_errors());
  if (request.client_certificate) {
    const auto& client = *request.client_certificate;
    if (SSL_CTX_use_certificate_chain_file(ctx, client.cert.c_str()) != 1)
      return fail(Errc::usage, "client certificate " + client.cert.string() + ": " + openssl_errors());
    auto key = read_pem_private_key(client.key, client.key_passphrase);
    if (!key) return fail(key.error().code(), "client certificate key " + key.error().message());
    if (SSL_CTX_use_PrivateKey(ctx, key->get()) != 1 || SSL_CTX_check_private_key(ctx) != 1)
      return fail(Errc::usage, "client certificate key " + client.key.string() + " is not the key of " + client.cert.string());
  }
  return context;
}

}  // namespace

Result<PostReply> http_post(const PostRequest& request) {
  Poco::URI uri;
  try {
    uri = Poco::URI(request.url);
  } catch (const Poco::Exception& e) {
    return fail(Errc::usage, "\"" + request.url + "\" is not a URL: " + e.message());
  }
  const bool https = uri.getScheme() == "https";
  if (!https && uri.getScheme() != "http") return fail(Errc::usage, request.url + ": only http:// and https:// URLs");

  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (https) {
    auto context = client_context(request, uri.getHost());
    if (!context) return fail(context.error());
    session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), *context);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
  }
  if (request.proxy) {
    // HTTP URLs go to the proxy with the absolute URI, HTTPS ones through CONNECT (POCO).
    session->setProxy(request.proxy->host, request.proxy->port);
    if (!request.proxy->user.empty()) session->setProxyCredentials(request.proxy->user, request.proxy->password);
  }
  const Poco::Timespan timeout(static_cast<long>(request.timeout.count()), 0);
  session->setTimeout(timeout, timeout, timeout);
  session->setKeepAlive(false);

  const std::string target = uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery();
  Poco::Net::HTTPRequest http(Poco::Net::HTTPRequest::HTTP_POST, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : request.headers) http.set(name, value);
  const AuthorizationWiper wiper(http);
  if (request.basic_auth) http.set("Authorization", basic_authorization(request.basic_auth->first, request.basic_auth->second).str());
  http.setContentLength64(static_cast<Poco::Int64>(request.body.size()));
  http.setKeepAlive(false);

  PostReply reply;
  try {
    std::ostream& out = session->sendRequest(http);
    constexpr std::size_t piece = std::size_t{1} << 20;
    for (std::size_t done = 0; done < request.body.size() && out;) {
      const auto n = std::min(piece, request.body.size() - done);
      out.write(request.body.data() + done, static_cast<std::streamsize>(n));
      done += n;
      if (request.progress) request.progress(done, request.body.size());
    }
    out.flush();
    if (!out) return fail(Errc::io, request.url + ": the connection broke while sending the message");
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    reply.status = static_cast<int>(response.getStatus());
    reply.reason = response.getReason();
    for (const auto& [name, value] : response) reply.headers.emplace_back(name, value);
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      reply.body.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (reply.body.size() > max_reply_size)
        return fail(Errc::io, request.url + ": the reply is larger than " + std::to_string(max_reply_size >> 20) + " MiB");
    }
    if (response.hasContentLength() && reply.body.size() != static_cast<std::size_t>(response.getContentLength64()))
      return fail(Errc::io, request.url + ": the connection closed before the end of the reply");
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, request.url + ": " + e.displayText());
  } catch (const std::exception& e) {
    return fail(Errc::io, request.url + ": " + e.what());
  }
  return reply;
}

}  // namespace as2d
