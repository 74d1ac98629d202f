// as2d HTTP connection.
#include "http_connection.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>

#include <poll.h>

#include <optional>

namespace as2d {

// POCO's session, with its read-ahead buffer visible: bytes of a next request may already
// be in it, and then the connection must not wait for the socket to become readable.
class HttpConnection::Session final : public Poco::Net::HTTPServerSession {
public:
  using HTTPServerSession::HTTPServerSession;
  [[nodiscard]] bool has_buffered() const { return buffered() > 0; }
};

namespace {

void send_error(Poco::Net::HTTPServerSession& session, Poco::Net::HTTPResponse::HTTPStatus status) {
  Poco::Net::HTTPServerResponseImpl response(session);
  response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
  response.setStatusAndReason(status);
  response.setKeepAlive(false);
  response.send();
  session.setKeepAlive(false);
}

}  // namespace

HttpConnection::HttpConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                               Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, HeaderDeadlines& deadlines,
                               std::string address)
    : m_socket(socket), m_params(std::move(params)), m_handlers(std::move(handlers)), m_deadlines(deadlines),
      m_address(std::move(address)),
      m_session(std::make_unique<Session>(m_socket, m_params)),
      m_requests_left(m_params->getMaxKeepAliveRequests() > 0 ? m_params->getMaxKeepAliveRequests() : 1) {}

HttpConnection::~HttpConnection() {
  m_session.reset();
  try {
    m_socket.close();
  } catch (...) {
    // Already gone: nothing to release.
  }
}

int HttpConnection::fd() const { return m_socket.impl()->sockfd(); }

bool HttpConnection::readable_now() {
  if (m_session->has_buffered()) return true;
  if (m_socket.available() > 0) return true;  // TLS: a record already decrypted
  pollfd p{fd(), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

HttpConnection::Next HttpConnection::serve(const std::atomic<bool>& stopping) {
  while (true) {
    const bool again = serve_one();
    if (!again || stopping) return Next::close;
    if (!readable_now()) return Next::wait;
  }
}

bool HttpConnection::serve_one() {
  using Poco::Net::HTTPResponse;
  --m_requests_left;
  const bool may_keep_alive = m_params->getKeepAlive() && m_requests_left > 0;
  try {
    Poco::Net::HTTPServerResponseImpl response(*m_session);
    auto watch = std::make_optional<HeaderDeadlines::Watch>(m_deadlines, fd(), m_address);
    Poco::Net::HTTPServerRequestImpl request(response, *m_session, m_params);  // reads the header
    const bool cut = watch->was_cut();
    watch.reset();
    if (cut) {  // overdue: what arrived may look like a whole header, but is not one
      send_error(*m_session, HTTPResponse::HTTP_REQUEST_TIMEOUT);
      return false;
    }
    response.setDate(Poco::Timestamp());
    response.setVersion(request.getVersion());
    response.setKeepAlive(may_keep_alive && request.getKeepAlive());
    const auto& server = m_params->getSoftwareVersion();
    if (!server.empty()) response.set("Server", server);
    try {
      std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(m_handlers->createRequestHandler(request));
      if (!handler) {
        send_error(*m_session, HTTPResponse::HTTP_NOT_IMPLEMENTED);
        return false;
      }
      if (request.getExpectContinue() && response.getStatus() == HTTPResponse::HTTP_OK) response.sendContinue();
      handler->handleRequest(request, response);
      m_session->setKeepAlive(may_keep_alive && response.getKeepAlive());
    } catch (const Poco::Exception&) {
      if (!response.sent()) {
        try {
          send_error(*m_session, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
        } catch (...) {
          // The client is gone: the exception below says why.
        }
      }
      throw;
    }
  } catch (const Poco::Net::NoMessageException&) {
    return false;  // closed (or nothing but white space) before a request
  } catch (const Poco::Net::MessageException&) {
    send_error(*m_session, HTTPResponse::HTTP_BAD_REQUEST);
    return false;
  } catch (const Poco::Exception&) {
    // POCO's streams keep what went wrong on the socket in the session: that is the cause.
    if (m_session->networkException()) m_session->networkException()->rethrow();
    throw;
  }
  return m_session->getKeepAlive();
}

}  // namespace as2d
