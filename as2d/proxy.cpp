// as2d outbound proxies from the environment.
#include "proxy.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>

#include "config_values.h"

namespace as2d {

using payload::Errc;
using payload::fail;
using payload::Result;

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<std::string> first_set(const Environment& environment, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (auto value = environment(name); value && !value->empty()) return value;
  }
  return std::nullopt;
}

// no_proxy entries: "example.com" and ".example.com" match the host and its subdomains,
// "*" matches every host; ports are ignored.
bool bypassed(const std::string& host, const std::string& no_proxy) {
  for (auto entry : split_list(no_proxy)) {
    if (entry == "*") return true;
    entry = lower(entry);
    if (const auto colon = entry.rfind(':'); colon != std::string::npos && entry.find(']') == std::string::npos &&
                                             entry.find(':') == colon)
      entry.erase(colon);
    if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    if (host == entry || (host.size() > entry.size() && host.ends_with("." + entry))) return true;
  }
  return false;
}

}  // namespace

Result<std::optional<Proxy>> proxy_for(std::string_view url, const Environment& environment) {
  Poco::URI target;
  try {
    target = Poco::URI(std::string(url));
  } catch (const Poco::Exception& e) {
    return fail(Errc::usage, "\"" + std::string(url) + "\" is not a URL: " + e.message());
  }
  const std::string scheme = lower(target.getScheme());
  const auto value = scheme == "https" ? first_set(environment, {"https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
                                       : first_set(environment, {"http_proxy", "all_proxy", "ALL_PROXY"});
  if (!value) return std::optional<Proxy>();
  if (const auto no_proxy = first_set(environment, {"no_proxy", "NO_PROXY"}); no_proxy && bypassed(lower(target.getHost()), *no_proxy))
    return std::optional<Proxy>();

  // curl takes "host:port" without a scheme as an http proxy.
  const std::string text = value->find("://") == std::string::npos ? "http://" + *value : *value;
  Poco::URI proxy_uri;
  try {
    proxy_uri = Poco::URI(text);
  } catch (const Poco::Exception& e) {
    return fail(Errc::usage, "the proxy \"" + *value + "\" is not a URL: " + e.message());
  }
  if (lower(proxy_uri.getScheme()) != "http" || proxy_uri.getHost().empty())
    return fail(Errc::usage, "the proxy \"" + *value + "\" is not an http://host:port URL (only HTTP proxies are supported)");
  Proxy proxy;
  proxy.host = proxy_uri.getHost();
  proxy.port = proxy_uri.getSpecifiedPort() != 0 ? proxy_uri.getSpecifiedPort() : 1080;  // curl's default
  if (const auto& info = proxy_uri.getUserInfo(); !info.empty()) {
    const auto colon = info.find(':');
    std::string user = info.substr(0, colon), password = colon == std::string::npos ? "" : info.substr(colon + 1);
    Poco::URI::decode(user, proxy.user);
    Poco::URI::decode(password, proxy.password);
  }
  return std::optional<Proxy>(std::move(proxy));
}

}  // namespace as2d
