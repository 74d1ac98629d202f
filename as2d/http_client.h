// as2d outbound HTTP: one POST over HTTP or HTTPS, for AS2 messages we send and the
// asynchronous MDNs we deliver (RFC 4130 7.3; i05 10.1: TLS 1.2 or newer).
//
// HTTPS verifies the server's certificate chain against a CA file or the system store
// and its name against the URL's host; an optional client certificate authenticates us.
// A proxy comes from the environment, as curl and wget take it (proxy.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <payload/core/error.h>

#include "proxy.h"
#include "secret.h"

namespace as2d {

struct ClientCertificate {
  std::filesystem::path cert;  // PEM, the chain in order
  std::filesystem::path key;   // PEM
  std::optional<Secret> key_passphrase;
};

struct PostRequest {
  std::string url;  // http:// or https://
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
  std::filesystem::path ca_file;  // trusted CAs for https; empty: the system's store
  std::optional<ClientCertificate> client_certificate;
  std::optional<std::pair<std::string, Secret>> basic_auth;  // user, password
  std::chrono::seconds timeout{120};  // connect, each read and each write
  std::optional<Proxy> proxy;         // proxy_for(url) unless the caller decides
  // Told how much of the body went out (after each piece of 1 MiB and at the end); may be empty.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct PostReply {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
};

// Any answer the server gives is a reply (also 4xx and 5xx). Errors: Errc::io for
// transport failures (no connection, TLS handshake or certificate refused, timeout,
// connection closed early), naming the URL; Errc::usage for an URL we cannot use.
[[nodiscard]] payload::Result<PostReply> http_post(const PostRequest& request);

}  // namespace as2d
