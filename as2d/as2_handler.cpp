// as2d POST /as2.
#include "as2_handler.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/String.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <sys/socket.h>

#include <cerrno>

#include "receiver.h"
#include "secret.h"

namespace as2d {

namespace {

// The partner's basic-auth credentials (base64, as good as the password) are wiped from
// our copy of the headers and from POCO's request once the receiver has checked them.
// POCO's socket buffer, which held the raw request, is out of reach.
void wipe_authorization(HeaderList& headers, Poco::Net::HTTPServerRequest& request) {
  for (auto& [name, value] : headers)
    if (Poco::icompare(name, "Authorization") == 0) wipe(value);
  // NameValueCollection hands out only const references; the object itself is not const.
  if (request.has("Authorization")) wipe(const_cast<std::string&>(request.get("Authorization")));
}

// Bodies of requests answered early (unknown partner, authentication) are read and
// discarded up to this much, so the client reads our answer instead of a connection
// reset; larger or slower ones end the connection.
constexpr std::uint64_t drain_limit = 1 << 20;
constexpr std::chrono::seconds drain_time{10};

class PocoRequestBody final : public RequestBody {
public:
  explicit PocoRequestBody(Poco::Net::HTTPServerRequest& request) : m_request(request) {}

  tl::expected<SpooledBody, BodyError> spool(const BodyLimits& limits, const std::filesystem::path& spool_dir) override {
    std::optional<std::uint64_t> length;
    if (!m_request.getChunkedTransferEncoding()) length = static_cast<std::uint64_t>(m_request.getContentLength64());
    return spool_body(m_request.stream(), length, limits, spool_dir, [this] { return peer_closed(); });
  }

  bool drain() override { return drain_body(m_request.stream(), drain_limit, drain_time); }

private:
  // Whether the client has closed its side: a peek that finds the end of the stream. A
  // client still waiting for our answer has sent nothing more (EAGAIN).
  bool peer_closed() const {
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&m_request);
    if (impl == nullptr) return false;
    char byte = 0;
    const auto fd = impl->socket().impl()->sockfd();
    ssize_t n = 0;
    do {
      n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

  Poco::Net::HTTPServerRequest& m_request;
};

}  // namespace

void As2Handler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_POST) {
    state().audit().emit(Event::request_rejected, {{"status", 405}, {"reason", "method " + request.getMethod()}});
    response.set("Allow", "POST");
    send_text(request, response, 405, "method not allowed: AS2 messages are POSTed to /as2\n", true);
    return;
  }
  if (!request.getChunkedTransferEncoding() && !request.hasContentLength()) {
    state().audit().emit(Event::request_rejected, {{"status", 411}, {"reason", "no Content-Length and not chunked"}});
    send_text(request, response, 411, "length required: send Content-Length or chunked transfer encoding\n", true);
    return;
  }
  HeaderList headers;
  for (const auto& [name, value] : request) headers.emplace_back(name, value);
  PocoRequestBody body(request);
  Receiver receiver(state());
  const auto answer = receiver.receive(headers, body);
  wipe_authorization(headers, request);

  // The MDN's Date replaces the one POCO put there (one Date field).
  send_answer(request, response, answer.status, answer.headers, answer.body, answer.close);
}

}  // namespace as2d
