// `payload sop generate-key` and `payload sop extract-cert`.
#include <iostream>

#include <payload/pgp/keys.h>
#include <payload/pgp/stateless.h>

#include "sop_args.h"
#include "sop_commands.h"
#include "sop_inputs.h"

namespace payload::cli::sop {

int run_generate_key(const Words& argv) {
  auto args = Args::parse(argv, {{"--no-armor"}, {"--with-key-password", true}, {"--profile", true}, {"--signing-only"}});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop generate-key [--no-armor] [--with-key-password=PASSWORD] [--profile=PROFILE] [--signing-only] "
                 "[--] USERID...\n";
    return exit_ok;
  }
  const std::string profile = args->value("--profile").value_or("default");
  pgp::KeyType type;
  if (profile == "default") type = pgp::KeyType::ed25519;
  else if (profile == "rfc4880") type = pgp::KeyType::rsa3072;
  else return report({exit_unsupported_profile, "generate-key: unknown profile " + profile + " (see list-profiles generate-key)"});
  const auto& user_ids = args->positionals();
  // GnuPG cannot make (or later import) a key without a user ID.
  if (user_ids.empty()) return report({exit_missing_arg, "generate-key needs at least one USERID (GnuPG keys carry one)"});
  for (const auto& uid : user_ids)
    if (!is_utf8(uid)) return report({exit_expected_text, "USERID is not UTF-8 text: " + uid});

  std::optional<Secret> password;
  if (auto argument = args->value("--with-key-password")) {
    auto read = read_new_password(*argument);
    if (!read) return report(read.error());
    password = std::move(*read);
  }
  auto session = Session::create(Session::Agent::exports_secret_keys);
  if (!session) return report(session.error());

  pgp::GenerateOptions options;
  options.user_id = user_ids.front();
  options.type = type;
  options.passphrase = password;
  options.signing_only = args->flag("--signing-only");
  auto key = pgp::generate_key(session->keyring(), options);
  if (!key) return report({exit_unspecified, key.error().message()});
  for (size_t i = 1; i < user_ids.size(); ++i) {
    if (auto status = pgp::add_user_id(session->keyring(), key->fingerprint, user_ids[i], password); !status)
      return report({exit_unspecified, status.error().message()});
  }
  pgp::ExportOptions export_options;
  export_options.patterns = {key->fingerprint};
  export_options.secret = true;
  export_options.armor = !args->flag("--no-armor");
  export_options.passphrase = password;
  auto exported = pgp::export_keys(session->keyring(), export_options);
  if (!exported) return report({exit_unspecified, exported.error().message()});
  const Secret secret_key(std::move(*exported));  // wiped when done
  if (auto status = write_standard_output(secret_key); !status) return report(status.error());
  return exit_ok;
}

int run_extract_cert(const Words& argv) {
  auto args = Args::parse(argv, {{"--no-armor"}});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop extract-cert [--no-armor] < KEYS > CERTS\n";
    return exit_ok;
  }
  if (!args->positionals().empty()) return report({exit_unsupported_option, "extract-cert takes no arguments (KEYS on standard input)"});
  auto keys = read_standard_input();
  if (!keys) return report(keys.error());
  if (keys->empty()) return report({exit_bad_data, "standard input: no OpenPGP key"});
  auto session = Session::create(Session::Agent::needed);
  if (!session) return report(session.error());
  auto imported = session->import_data("standard input", *keys, true);
  if (!imported) return report(imported.error());

  pgp::ExportOptions options;
  options.patterns = imported->fingerprints;
  options.armor = !args->flag("--no-armor");
  auto certs = pgp::export_keys(session->keyring(), options);
  if (!certs) return report({exit_unspecified, certs.error().message()});
  if (auto status = write_standard_output(*certs); !status) return report(status.error());
  return exit_ok;
}

}  // namespace payload::cli::sop
