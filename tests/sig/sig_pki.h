// Certificates for the sig tests beyond tests/cms's Pki (rsa, rsa2, ec256, expired): one
// not valid before 2099 and one whose keyUsage forbids signing, made by the `openssl`
// command once per test process.
#pragma once

#include <filesystem>
#include <string>

#include "support/temp_dir.h"

namespace payload::test {

class SigPki final {
public:
  static const SigPki& get();
  // "future" (valid 2099-2100), "nosign" (keyUsage keyEncipherment only), "nonrep" (keyUsage
  // nonRepudiation only): NAME.key, NAME.crt; key("encrypted") is nonrep's key as encrypted
  // PKCS#8 under the passphrase "secret words".
  [[nodiscard]] std::filesystem::path key(const std::string& name) const { return m_dir / (name + ".key"); }
  [[nodiscard]] std::filesystem::path crt(const std::string& name) const { return m_dir / (name + ".crt"); }

private:
  SigPki();
  TempDir m_dir;
};

}  // namespace payload::test
