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

private:
  const ServerState& m_state;
};

}  // namespace as2d
