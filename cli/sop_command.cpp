// `payload sop`: the Stateless OpenPGP command line (draft-dkg-openpgp-stateless-cli),
// its dispatch, `version` and `list-profiles`. Every call works in a throwaway keyring.
#include <iostream>
#include <map>

#include <payload/pgp/stateless.h>

#include "commands.h"
#include "sop_args.h"
#include "sop_commands.h"

#ifndef PAYLOAD_VERSION
#error "PAYLOAD_VERSION comes from cli/CMakeLists.txt (the project version)"
#endif

namespace payload::cli::sop {

// The draft this implementation follows; "~": not every subcommand is there.
constexpr const char* kSopSpec = "~draft-dkg-openpgp-stateless-cli-14";

const std::vector<Profile> generate_key_profiles = {
    {"default", "Ed25519 primary key (certify, sign) with a Curve25519 encryption subkey, v4 (RFC 4880 + RFC 6637 curves)"},
    {"rfc4880", "RSA-3072 primary key (certify, sign) with an RSA-3072 encryption subkey, only RFC 4880 algorithms"},
};

const std::vector<Profile> encrypt_profiles = {
    {"default", "AES-256 in SEIPDv1 with MDC, uncompressed"},
    {"zlib", "AES-256 in SEIPDv1 with MDC, ZLIB-compressed (smaller for text, slower)"},
};

namespace {

void print_usage() {
  std::cout << "Usage: payload sop [--debug] SUBCOMMAND [OPTIONS] [--] [ARGS...]\n"
               "Stateless OpenPGP (" << (kSopSpec + 1) << ") over GnuPG, one throwaway keyring per call.\n\n"
               "  version [--backend|--extended|--sop-spec|--sopv]\n"
               "  list-profiles SUBCOMMAND\n"
               "  generate-key [--no-armor] [--with-key-password=PASSWORD] [--profile=PROFILE] [--signing-only] [USERID...]\n"
               "  extract-cert [--no-armor]                          < KEYS > CERTS\n"
               "  sign [--no-armor] [--as=binary|text] [--micalg-out=MICALG] [--with-key-password=PASSWORD...] KEYS...\n"
               "  verify [--not-before=DATE] [--not-after=DATE] SIGNATURES CERTS...   < DATA > VERIFICATIONS\n"
               "  encrypt [--as=binary|text] [--no-armor] [--with-password=PASSWORD] [--sign-with=KEYS...]\n"
               "          [--with-key-password=PASSWORD...] [--profile=PROFILE] [CERTS...]\n"
               "  decrypt [--session-key-out=SESSIONKEY] [--with-session-key=SESSIONKEY...] [--with-password=PASSWORD...]\n"
               "          [--with-key-password=PASSWORD...] [--verifications-out=VERIFICATIONS --verify-with=CERTS...]\n"
               "          [--verify-not-before=DATE] [--verify-not-after=DATE] [KEYS...]\n"
               "  armor                                              < DATA > ARMORED\n"
               "  dearmor                                            < ARMORED > DATA\n"
               "  inline-sign [--no-armor] [--as=binary|text|clearsigned] [--with-key-password=PASSWORD...] KEYS...\n"
               "  inline-verify [--not-before=DATE] [--not-after=DATE] [--verifications-out=VERIFICATIONS] CERTS...\n"
               "  inline-detach [--no-armor] --signatures-out=SIGNATURES\n\n"
               "KEYS, CERTS, SIGNATURES, PASSWORD and SESSIONKEY name files, or @ENV:NAME / @FD:N.\n"
               "Exit codes follow the draft; see docs/sop.md.\n";
}

// Subcommands of the draft this implementation does not offer.
bool known_but_unsupported(const std::string& name) {
  for (const char* n : {"change-key-password", "revoke-key", "update-key", "merge-certs", "certify-userid", "validate-userid"})
    if (name == n) return true;
  return false;
}

int dispatch(std::vector<std::string> words) {
  if (!words.empty() && words.front() == "--debug") words.erase(words.begin());  // messages are always on stderr
  if (words.empty()) return report({exit_missing_arg, "a subcommand is needed (see payload sop --help)"});
  const std::string name = words.front();
  const Words args(words.begin() + 1, words.end());
  using Run = int (*)(const Words&);
  static const std::map<std::string, Run> commands = {
      {"version", run_version},         {"list-profiles", run_list_profiles}, {"generate-key", run_generate_key},
      {"extract-cert", run_extract_cert}, {"sign", run_sign},               {"verify", run_verify},
      {"encrypt", run_encrypt},         {"decrypt", run_decrypt},           {"armor", run_armor},
      {"dearmor", run_dearmor},         {"inline-sign", run_inline_sign},   {"inline-verify", run_inline_verify},
      {"inline-detach", run_inline_detach},
  };
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage();
    return exit_ok;
  }
  const auto command = commands.find(name);
  if (command != commands.end()) return command->second(args);
  if (known_but_unsupported(name)) return report({exit_unsupported_subcommand, name + ": not supported by payload sop"});
  if (!name.empty() && name[0] == '-') return report({exit_unsupported_option, "unsupported option " + name});
  return report({exit_unsupported_subcommand, name + ": unknown subcommand"});
}

}  // namespace

int run_version(const Words& argv) {
  auto args = Args::parse(argv, {{"--backend"}, {"--extended"}, {"--sop-spec"}, {"--sopv"}});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop version [--backend|--extended|--sop-spec|--sopv]\n";
    return exit_ok;
  }
  if (!args->positionals().empty()) return report({exit_unsupported_option, "version takes no arguments"});
  const int chosen = args->flag("--backend") + args->flag("--extended") + args->flag("--sop-spec") + args->flag("--sopv");
  if (chosen > 1) return report({exit_incompatible_options, "--backend, --extended, --sop-spec and --sopv exclude each other"});
  auto backend = pgp::engine_versions();
  if (!backend) return report({exit_unspecified, backend.error().message()});
  if (args->flag("--backend")) {
    std::cout << *backend << "\n";
  } else if (args->flag("--sop-spec")) {
    std::cout << kSopSpec << "\n"
              << "Not implemented: change-key-password, revoke-key, update-key, merge-certs, certify-userid, validate-userid.\n"
              << "generate-key needs at least one USERID (GnuPG keys carry one); encrypt takes one --with-password.\n";
  } else if (args->flag("--sopv")) {
    // sopv 1.0: version, verify and inline-verify with their date windows.
    std::cout << "1.0\n";
  } else if (args->flag("--extended")) {
    std::cout << "payload " << PAYLOAD_VERSION << "\n"
              << "Backend: " << *backend << "\n"
              << "Specification: " << kSopSpec << "\n"
              << "Every call uses a throwaway GnuPG home; its gpg-agent is stopped when the call ends.\n";
  } else {
    std::cout << "payload " << PAYLOAD_VERSION << "\n";
  }
  return exit_ok;
}

int run_list_profiles(const Words& argv) {
  auto args = Args::parse(argv, {});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop list-profiles SUBCOMMAND   (generate-key, encrypt)\n";
    return exit_ok;
  }
  if (args->positionals().empty()) return report({exit_missing_arg, "list-profiles needs a SUBCOMMAND"});
  if (args->positionals().size() > 1) return report({exit_unsupported_option, "list-profiles takes one SUBCOMMAND"});
  const auto& subcommand = args->positionals().front();
  const std::vector<Profile>* profiles = subcommand == "generate-key" ? &generate_key_profiles
                                         : subcommand == "encrypt"    ? &encrypt_profiles
                                                                      : nullptr;
  if (!profiles) return report({exit_unsupported_profile, subcommand + ": has no profiles"});
  for (const auto& p : *profiles) std::cout << p.name << ": " << p.description << "\n";
  return exit_ok;
}

}  // namespace payload::cli::sop

namespace payload::cli {

void register_sop_command(CLI::App& app, int& exit_code) {
  auto* sop = app.add_subcommand("sop", "Stateless OpenPGP (draft-dkg-openpgp-stateless-cli), one throwaway keyring per call");
  // Everything after "sop" is ours: SOP's exit codes differ from CLI11's usage errors.
  sop->prefix_command();
  sop->set_help_flag();
  sop->callback([sop, &exit_code] { exit_code = sop::dispatch(sop->remaining()); });
}

}  // namespace payload::cli
