// as2d router.
#include "router.h"

#include <Poco/URI.h>

#include "as2_handler.h"
#include "health_handler.h"

namespace as2d {

Poco::Net::HTTPRequestHandler* Router::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
  std::string path;
  try {
    path = Poco::URI(request.getURI()).getPath();
  } catch (...) {
    path.clear();  // an unparsable URI is no endpoint of ours
  }
  if (path == "/as2") return new As2Handler(m_state);
  if (path == "/healthz") return new HealthHandler(m_state);
  return new NotFoundHandler(m_state);
}

}  // namespace as2d
