// as2d request handler base: the catch-all every handler needs.
#include "handler.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <exception>

namespace as2d {

namespace {

void linger_close(Poco::Net::HTTPServerRequest& request) noexcept {
  try {
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    if (impl == nullptr) return;
    auto& socket = impl->socket();
    socket.shutdownSend();
    const int fd = socket.impl()->sockfd();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    char buffer[16384];
    std::size_t total = 0;
    while (total < (1u << 20)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      const auto n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      total += static_cast<std::size_t>(n);
    }
  } catch (...) {
    // The connection is gone already: nothing to protect.
  }
}

}  // namespace

void send_answer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, int status,
                 const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body, bool close) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  for (const auto& [name, value] : headers) response.set(name, value);
  if (status == 204 && !close) {
    // RFC 9110 8.6: no Content-Length (and no body) on a 204; POCO writes just the header.
    response.send();
    return;
  }
  if (!close) {
    // Header and body leave in as few writes as POCO allows.
    response.sendBuffer(body.data(), body.size());
    return;
  }
  response.setKeepAlive(false);
  response.setContentLength64(static_cast<Poco::Int64>(body.size()));
  std::ostream& out = response.send();
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.flush();  // before our side is shut down: POCO flushes its stream only later
  linger_close(request);
}

void send_text(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, int status,
               std::string_view text, bool close) {
  send_answer(request, response, status, {{"Content-Type", "text/plain; charset=us-ascii"}}, text, close);
}

void Handler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  auto fail = [&](const std::string& what) {
    m_state.audit().emit(Event::internal_error, {{"path", request.getURI()}, {"error", what}});
    if (!response.sent()) {
      try {
        send_text(request, response, 500, "internal error\n", true);
      } catch (...) {
        // The connection is gone; nothing left to tell.
      }
    }
  };
  try {
    // Replies go out as soon as they are written: header and body written apart would
    // otherwise wait for a delayed ACK (Nagle, ~40 ms per message on loopback).
    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)) impl->socket().setNoDelay(true);
    handle(request, response);
  } catch (const Poco::Exception& e) {
    fail(e.displayText());
  } catch (const std::exception& e) {
    fail(e.what());
  } catch (...) {
    fail("unknown exception");
  }
}

void NotFoundHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  send_text(request, response, 404, "not found: the AS2 endpoint is /as2\n", true);
}

}  // namespace as2d
