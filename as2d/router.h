// as2d router: one handler per endpoint, chosen by path only (methods are the handlers'
// business). /as2 receives AS2 messages, /healthz answers readiness, anything else 404.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "server_state.h"

namespace as2d {

class Router final : public Poco::Net::HTTPRequestHandlerFactory {
public:
  explicit Router(const ServerState& state) : m_state(state) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;
  // What HTTPServer::stopAll does after stopping: tells every open connection the server
  // stopped (idle ones close, requests in progress finish unless `abort`). as2d runs
  // POCO's TCPServer itself (connection_limit.h), which cannot reach the protected event.
  void stop_connections(const void* server, bool abort) { serverStopped(server, abort); }

private:
  const ServerState& m_state;
};

}  // namespace as2d
