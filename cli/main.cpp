// payload: the command line of libpayload.
#include <iostream>

#include "commands.h"
#include "common.h"

int main(int argc, char** argv) {
  CLI::App app{"payload: OpenPGP and AS2 secure-payload toolkit"};
  app.set_version_flag("--version", "payload 0.1.0");
  app.require_subcommand(1);
  int exit_code = payload::cli::exit_internal;

  auto* pgp = app.add_subcommand("pgp", "OpenPGP: keys, encrypt, decrypt, sign, verify");
  pgp->require_subcommand(1);
  payload::cli::register_pgp_key_commands(*pgp, exit_code);
  payload::cli::register_pgp_message_commands(*pgp, exit_code);
  payload::cli::register_pgp_signature_commands(*pgp, exit_code);
  payload::cli::register_cms_commands(app, exit_code);
  payload::cli::register_cert_commands(app, exit_code);
  payload::cli::register_sop_command(app, exit_code);
  payload::cli::register_as2_commands(app, exit_code);
  payload::cli::register_as2_send_commands(*app.get_subcommand("as2"), exit_code);
  payload::cli::register_mdn_commands(app, exit_code);
  payload::cli::register_hook_commands(app, exit_code);
  payload::cli::register_sig_commands(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "payload: " << e.what() << " (see --help)" << std::endl;
    return payload::cli::exit_usage;
  }
  return exit_code;
}
