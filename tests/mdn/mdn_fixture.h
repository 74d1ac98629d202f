// Shared fixture of the mdn tests: the AS2 interop vectors (keys, messages, MDNs made by
// pyas2-lib) and a runner for the openssl command, the independent judge of what we make.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>

namespace payload::test {

using HttpPairs = std::vector<std::pair<std::string, std::string>>;

// PAYLOAD_SHARED_DIR/interop/as2.
std::filesystem::path interop_dir();

// keys/NAME.crt and keys/NAME.key of the interop set: "a" is PEER_A, "b" is PEER_B.
cms::Certificate interop_certificate(const std::string& name);
cms::Identity interop_identity(const std::string& name);

// NAME.as2 / NAME.mdn: HTTP header lines (CRLF), an empty line, the raw HTTP body.
struct HttpFile {
  HttpPairs headers;  // unfolded values
  std::string body;
};
HttpFile read_http_file(const std::filesystem::path& path);
// The same split, of bytes in memory.
HttpFile split_http(const std::string& bytes);

// The value of an HTTP header (case-insensitive name), "" when absent.
std::string header_value(const HttpPairs& headers, const std::string& name);

// Runs `openssl ARGS...` and returns its exit code, stdout and stderr.
struct OpensslResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
OpensslResult openssl(const std::vector<std::string>& args);

}  // namespace payload::test
