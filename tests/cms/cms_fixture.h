// Shared fixture of the cms tests: a throwaway PKI made by the `openssl` command (never
// by the code under test), and helpers that run `openssl` and load what it made.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>

#include "support/temp_dir.h"

namespace payload::test {

// Keys and self-signed certificates, generated once per test process:
//   rsa, rsa2      RSA-2048 (two unrelated identities, e.g. old and new after rollover)
//   ec256, ec384   ECDSA P-256 / P-384
//   expired        RSA-2048, valid 2020-01-01 to 2021-01-01 only
// Each NAME has NAME.key (PEM, unencrypted) and NAME.crt (PEM).
class Pki final {
public:
  static const Pki& get();
  [[nodiscard]] std::filesystem::path key(const std::string& name) const { return m_dir / (name + ".key"); }
  [[nodiscard]] std::filesystem::path crt(const std::string& name) const { return m_dir / (name + ".crt"); }
  [[nodiscard]] cms::Identity identity(const std::string& name) const;
  [[nodiscard]] cms::Certificate certificate(const std::string& name) const;
  [[nodiscard]] const std::filesystem::path& dir() const { return m_dir.path(); }

private:
  Pki();
  TempDir m_dir;
};

// Runs `openssl ARGS...`; a non-zero exit fails the test with openssl's stderr.
std::string openssl(const std::vector<std::string>& args, const std::string& input = {});
// Raw digest bytes computed by `openssl dgst`.
std::string openssl_digest(const std::string& alg, const std::filesystem::path& file);

// The shared AS2 interop vectors (pyas2, libas2).
std::filesystem::path interop_dir();

}  // namespace payload::test
