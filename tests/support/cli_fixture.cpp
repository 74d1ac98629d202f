// Two partners' keyrings for command-line tests.
#include "support/cli_fixture.h"

#include <stdexcept>

namespace payload::test {

Partners::Partners(const std::string& algo) : ours(dir / "ours") {
  auto generated = payload({"pgp", "key", "generate", "--uid", "Ours <edi@ours.test>", "--type", algo, "--json", "-q"});
  if (generated.exit_code != 0) throw std::runtime_error("payload key generate failed: " + generated.err);
  const auto pos = generated.out.find("\"fingerprint\":\"");
  our_fpr = generated.out.substr(pos + 15, 40);
  partner_fpr = gpg_generate(partner_home.path(), "Partner <edi@partner.test>", algo);

  our_public = dir / "ours.asc";
  auto exported = payload({"pgp", "key", "export", our_fpr, "-o", our_public.string()});
  if (exported.exit_code != 0) throw std::runtime_error("payload key export failed: " + exported.err);
  gpg({"--import", our_public.string()});

  partner_public = dir / "partner.asc";
  partner_secret = dir / "partner-secret.asc";
  write_file(partner_public, gpg({"--armor", "--export", partner_fpr}));
  write_file(partner_secret, gpg({"--armor", "--export-secret-keys", partner_fpr}));
  auto imported = payload({"pgp", "key", "import", partner_public.string(), "-q"});
  if (imported.exit_code != 0) throw std::runtime_error("payload key import failed: " + imported.err);
}

Partners::~Partners() { kill_agent(ours); }

RunResult Partners::payload(std::vector<std::string> args, const std::string& input, const std::map<std::string, std::string>& env) const {
  std::vector<std::string> argv{payload_cli()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--home");
  argv.push_back(ours.string());
  return run(argv, input, env);
}

std::string Partners::gpg(const std::vector<std::string>& args, const std::string& input) const {
  return payload::test::gpg(partner_home.path(), args, input);
}

RunResult Partners::gpg_run(const std::vector<std::string>& args, const std::string& input) const {
  std::vector<std::string> argv{"gpg", "--homedir", partner_home.path().string(), "--batch", "--yes", "--pinentry-mode", "loopback"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, input);
}

}  // namespace payload::test
