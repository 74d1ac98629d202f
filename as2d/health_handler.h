// as2d GET /healthz: 200 with a small JSON status once the daemon is ready, 503 before
// and while stopping.
#pragma once

#include "handler.h"

namespace as2d {

class HealthHandler final : public Handler {
public:
  using Handler::Handler;

protected:
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

}  // namespace as2d
