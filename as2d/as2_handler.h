// as2d POST /as2: translates between POCO's request/response and the receiver's plain
// types (receiver.h), which does the work. Requires a framed body (Content-Length or
// chunked); answers in one write.
#pragma once

#include "handler.h"

namespace as2d {

class As2Handler final : public Handler {
public:
  using Handler::Handler;

protected:
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;
};

}  // namespace as2d
