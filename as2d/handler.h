// as2d request handler base: POCO's server catches only Poco::Exception, so every handler
// derives from this one, whose catch-all turns anything thrown into an audit event and,
// if nothing was sent yet, an HTTP 500.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server_state.h"

namespace as2d {

class Handler : public Poco::Net::HTTPRequestHandler {
public:
  explicit Handler(const ServerState& state) : m_state(state) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) final;

protected:
  virtual void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) = 0;
  [[nodiscard]] const ServerState& state() const noexcept { return m_state; }

private:
  const ServerState& m_state;
};

// Sends an answer: status, header fields (set, replacing POCO's own of the same name),
// body with Content-Length. With `close` the connection ends afterwards (the request body
// was not read, or the client misbehaved): the answer is flushed, our side shut down, and
// what the client still sends is read and discarded for a moment (at most 2 s, 1 MiB), so
// that it receives the answer instead of a reset that would destroy it.
void send_answer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, int status,
                 const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body, bool close);
// A short text/plain answer.
void send_text(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, int status,
               std::string_view text, bool close = false);

// Answers anything but the known endpoints: 404.
class NotFoundHandler final : public Handler {
public:
  using Handler::Handler;

protected:
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

}  // namespace as2d
