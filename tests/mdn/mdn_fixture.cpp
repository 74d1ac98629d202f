// mdn test fixture: interop vectors and the openssl runner.
#include "mdn_fixture.h"

#include <catch2/catch.hpp>

#include <cctype>

#include <payload/mime/header.h>

#include "support/run.h"
#include "support/temp_dir.h"

namespace payload::test {

std::filesystem::path interop_dir() { return std::filesystem::path(PAYLOAD_SHARED_DIR) / "interop" / "as2"; }

cms::Certificate interop_certificate(const std::string& name) {
  auto cert = cms::Certificate::load(interop_dir() / "keys" / (name + ".crt"));
  REQUIRE(cert);
  return *cert;
}

cms::Identity interop_identity(const std::string& name) {
  auto key = cms::PrivateKey::load(interop_dir() / "keys" / (name + ".key"));
  REQUIRE(key);
  return cms::Identity{interop_certificate(name), *key};
}

HttpFile split_http(const std::string& bytes) {
  auto block = mime::parse_header_block(bytes);
  REQUIRE(block);
  REQUIRE(block->terminated);
  HttpFile file;
  for (const mime::HeaderField& field : block->headers) file.headers.emplace_back(field.name, field.value);
  file.body = bytes.substr(block->size);
  return file;
}

HttpFile read_http_file(const std::filesystem::path& path) { return split_http(read_file(path)); }

std::string header_value(const HttpPairs& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < key.size(); ++i) {
      same = same && std::tolower(static_cast<unsigned char>(key[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return value;
  }
  return {};
}

OpensslResult openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const RunResult result = run(argv);
  return {result.exit_code, result.out, result.err};
}

}  // namespace payload::test
