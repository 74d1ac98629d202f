// as2d outbound proxies from the environment, the convention curl and wget follow:
// https_proxy / HTTPS_PROXY for https URLs, http_proxy for http URLs (never HTTP_PROXY,
// which CGI servers set from a request header: "httpoxy"), all_proxy / ALL_PROXY as the
// fallback, and no_proxy / NO_PROXY (comma-separated host names or domain suffixes, "*"
// for all) to bypass them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <payload/core/error.h>

#include "config_loader.h"

namespace as2d {

struct Proxy {
  std::string host;
  std::uint16_t port = 1080;  // curl's default when the variable names none
  std::string user;      // empty: no proxy authentication
  std::string password;
};

// The proxy for `url`, or nullopt for a direct connection. Errors: usage when the proxy
// variable does not hold an http://[user:password@]host[:port] URL.
[[nodiscard]] payload::Result<std::optional<Proxy>> proxy_for(std::string_view url, const Environment& environment);

}  // namespace as2d
