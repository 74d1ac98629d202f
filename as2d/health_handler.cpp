// as2d GET /healthz.
#include "health_handler.h"

#include <Poco/Net/HTTPRequest.h>

namespace as2d {

void HealthHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET && request.getMethod() != Poco::Net::HTTPRequest::HTTP_HEAD) {
    response.set("Allow", "GET, HEAD");
    send_text(request, response, 405, "method not allowed: GET /healthz\n", true);
    return;
  }
  const bool ready = state().ready();
  const auto body = std::string("{\"status\":\"") + (ready ? "ok" : "starting or stopping") +
                    "\",\"as2_id\":" + Field::quote(state().station().as2_id) +
                    ",\"partners\":" + std::to_string(state().partners()->all().size()) + "}\n";
  response.setStatusAndReason(ready ? Poco::Net::HTTPResponse::HTTP_OK : Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
  response.setContentType("application/json");
  response.sendBuffer(body.data(), body.size());
}

}  // namespace as2d
