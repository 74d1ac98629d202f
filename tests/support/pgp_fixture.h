// A throwaway keyring with keys made by the gpg command itself (third-party vectors),
// stopped with its agent when the test ends.
#pragma once

#include <string>
#include <vector>

#include <payload/pgp/keyring.h>

#include "support/temp_dir.h"

namespace payload::test {

// Runs the gpg command on `home` in batch mode; throws on failure.
std::string gpg(const std::filesystem::path& home, const std::vector<std::string>& args, const std::string& input = {});

// Creates a key with `gpg --quick-gen-key` and returns its fingerprint.
std::string gpg_generate(const std::filesystem::path& home, const std::string& uid, const std::string& algo = "ed25519",
                         const std::string& passphrase = {}, const std::string& expire = "never");

// Stops the agent of a home started by gpg (gpgconf --kill all).
void kill_agent(const std::filesystem::path& home);

// A home directory for the gpg command, with its agent killed at the end.
class GpgHome final {
public:
  GpgHome();
  ~GpgHome();
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

private:
  TempDir m_dir;
  std::filesystem::path m_path;
};

}  // namespace payload::test
