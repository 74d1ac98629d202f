// gpg command helpers for tests.
#include "support/pgp_fixture.h"

#include <sys/stat.h>

#include <stdexcept>

#include "support/run.h"

namespace payload::test {

std::string gpg(const std::filesystem::path& home, const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv{"gpg", "--homedir", home.string(), "--batch", "--yes", "--pinentry-mode", "loopback"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run(argv, input);
  if (result.exit_code != 0) throw std::runtime_error("gpg failed (" + std::to_string(result.exit_code) + "): " + result.err);
  return result.out;
}

std::string gpg_generate(const std::filesystem::path& home, const std::string& uid, const std::string& algo,
                         const std::string& passphrase, const std::string& expire) {
  // "future-default" makes Ed25519 + Cv25519; an explicit algorithm makes only the primary
  // key, so an encryption subkey of the same kind is added.
  const bool ecc = algo == "ed25519";
  gpg(home, {"--passphrase", passphrase, "--quick-gen-key", uid, ecc ? "future-default" : algo, ecc ? "default" : "sign,cert", expire});
  const auto listing = gpg(home, {"--with-colons", "--list-secret-keys", uid});
  const auto pos = listing.find("\nfpr:");
  if (pos == std::string::npos) throw std::runtime_error("no fingerprint in gpg listing");
  const auto start = listing.find_first_not_of(':', pos + 5);
  const auto fpr = listing.substr(start, 40);
  if (!ecc) gpg(home, {"--passphrase", passphrase, "--quick-add-key", fpr, algo, "encr", expire});
  return fpr;
}

void kill_agent(const std::filesystem::path& home) {
  // gpgconf's conversation with a just-started agent has been seen to hang: bound it, then
  // end the agent by signal.
  auto stopped = run({"timeout", "-s", "KILL", "10", "gpgconf", "--homedir", home.string(), "--kill", "all"});
  if (stopped.exit_code != 0) run({"pkill", "-KILL", "-f", "gpg-agent --homedir " + home.string() + " "});
}

GpgHome::GpgHome() : m_path(m_dir / "gnupg") {
  std::filesystem::create_directory(m_path);
  ::chmod(m_path.c_str(), 0700);
}

GpgHome::~GpgHome() { kill_agent(m_path); }

}  // namespace payload::test
