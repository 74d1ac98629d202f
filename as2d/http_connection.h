// as2d HTTP connection: the requests of one client connection, served by a handler thread
// only while they come back to back. POCO's HTTPServerConnection keeps its thread waiting
// for the next keep-alive request (up to the keep-alive timeout); this one returns as soon
// as no next request is readable, and the connection waits in the gate
// (connection_gate.h) at the cost of a file descriptor instead of a thread.
//
// Each request is served as POCO 1.11's HTTPServerConnection::run serves it: Date and
// Server headers, keep-alive only when the client, the parameters and the request count
// allow it, 100-continue before the handler, 400 for an unreadable request, 500 when a
// handler throws before answering, 501 without a handler.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <memory>
#include <string>

#include "header_deadlines.h"

namespace as2d {

class HttpConnection final {
public:
  // `address`: the client's, as the gate counts it. Each request's header is read under
  // `deadlines`.
  HttpConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                 Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, HeaderDeadlines& deadlines, std::string address);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  enum class Next {
    wait,   // keep-alive, nothing readable yet: back to the gate
    close,  // done (the client closed, keep-alive ended, an error answered)
  };
  // Serves the requests readable now, one after the other. With `stopping` set, the request
  // at hand is finished and the connection closes. Exceptions other than an unreadable
  // request (a TLS handshake refused, a timeout mid-headers) reach the caller.
  Next serve(const std::atomic<bool>& stopping);

  [[nodiscard]] int fd() const;
  [[nodiscard]] const std::string& address() const noexcept { return m_address; }

private:
  class Session;
  // Whether serving one request leaves the connection open for another.
  bool serve_one();
  // Bytes of a next request already here: in the session's buffer, inside TLS, or in the kernel.
  bool readable_now();

  Poco::Net::StreamSocket m_socket;
  Poco::Net::HTTPServerParams::Ptr m_params;
  Poco::Net::HTTPRequestHandlerFactory::Ptr m_handlers;
  HeaderDeadlines& m_deadlines;
  std::string m_address;
  std::unique_ptr<Session> m_session;
  int m_requests_left;
};

}  // namespace as2d
