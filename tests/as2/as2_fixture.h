// Shared fixture of the as2 tests: one RSA-2048 key pair made by the `openssl` command
// (never by the code under test) per test process, the interop keys, and helpers.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <payload/as2/pack.h>
#include <payload/as2/unpack.h>
#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>

#include "support/temp_dir.h"

namespace payload::test {

class As2Keys final {
public:
  static const As2Keys& get();
  // The openssl-made identity: self-signed, CN=as2 test.
  [[nodiscard]] std::filesystem::path key() const { return m_dir / "as2.key"; }
  [[nodiscard]] std::filesystem::path crt() const { return m_dir / "as2.crt"; }
  [[nodiscard]] const cms::Identity& identity() const { return m_identity; }
  // The interop identities: a = PEER_A (sender), b = PEER_B (receiver).
  [[nodiscard]] const cms::Identity& a() const { return m_a; }
  [[nodiscard]] const cms::Identity& b() const { return m_b; }

private:
  As2Keys();
  TempDir m_dir;
  cms::Identity m_identity;
  cms::Identity m_a;
  cms::Identity m_b;
};

// Runs `openssl ARGS...`; a non-zero exit fails the test with openssl's stderr.
std::string openssl(const std::vector<std::string>& args, const std::string& input = {});
// Raw digest bytes of a file, computed by `openssl dgst`.
std::string openssl_digest(const std::string& algorithm, const std::filesystem::path& file);

// PAYLOAD_SHARED_DIR/interop/as2
std::filesystem::path as2_interop_dir();

// The first value of an HTTP header (case-insensitive), "" when absent.
std::string find_header(const as2::HttpMessage& message, std::string_view name);

// Pack options for a message from "PEER A" (quoted on the wire) to PEER_B.
as2::PackOptions base_pack_options();
// Unpack options matching base_pack_options, trusting the openssl-made identity on both
// sides, with nothing required.
as2::UnpackOptions base_unpack_options();

// unpack's file form on `wire`, written to a message file first; the payload file read back.
struct UnpackedFile {
  as2::UnpackToFileResult result;
  std::string payload;  // what was written to the payload file
  std::string error;    // outcome and message when it failed
};
UnpackedFile unpack_file(std::string_view wire, const as2::UnpackOptions& options);

}  // namespace payload::test
