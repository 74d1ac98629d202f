// Two trading partners for command-line tests: "ours", a keyring driven by `payload`, and
// "partner", a keyring driven by the gpg command, each with a key, public keys exchanged.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/pgp_fixture.h"
#include "support/run.h"
#include "support/temp_dir.h"

namespace payload::test {

class Partners final {
public:
  // `algo`: "ed25519" or "rsa3072" for both keys.
  explicit Partners(const std::string& algo = "ed25519");
  ~Partners();

  // Runs `payload ARGS... --home OURS` (the --home is appended to the leaf command).
  RunResult payload(std::vector<std::string> args, const std::string& input = {}, const std::map<std::string, std::string>& env = {}) const;
  // Runs gpg on the partner's home; throws on failure.
  std::string gpg(const std::vector<std::string>& args, const std::string& input = {}) const;
  // Runs gpg on the partner's home and returns the result whatever it is.
  RunResult gpg_run(const std::vector<std::string>& args, const std::string& input = {}) const;

  TempDir dir;
  std::filesystem::path ours;     // payload's keyring
  GpgHome partner_home;           // the partner's gpg keyring
  std::string our_fpr;
  std::string partner_fpr;
  std::filesystem::path our_public;      // armored public key file
  std::filesystem::path partner_public;  // armored public key file
  std::filesystem::path partner_secret;  // armored secret key file (unprotected)
};

}  // namespace payload::test
