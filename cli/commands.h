// The command groups of `payload`. Each registers its subcommands on the app; the chosen
// command stores its exit code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace payload::cli {

void register_pgp_key_commands(CLI::App& pgp, int& exit_code);
void register_pgp_message_commands(CLI::App& pgp, int& exit_code);
void register_pgp_signature_commands(CLI::App& pgp, int& exit_code);

}  // namespace payload::cli
