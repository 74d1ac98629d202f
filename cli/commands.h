// The command groups of `payload`. Each registers its subcommands on the app; the chosen
// command stores its exit code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace payload::cli {

void register_pgp_key_commands(CLI::App& pgp, int& exit_code);
void register_pgp_message_commands(CLI::App& pgp, int& exit_code);
void register_pgp_signature_commands(CLI::App& pgp, int& exit_code);
// `payload cms ...`: S/MIME CMS sign/verify/encrypt/decrypt/compress/decompress on files.
void register_cms_commands(CLI::App& app, int& exit_code);
// `payload cert new|show`: self-signed AS2 identities and certificate facts.
void register_cert_commands(CLI::App& app, int& exit_code);
// `payload sop`: the Stateless OpenPGP command line, with the draft's exit codes.
void register_sop_command(CLI::App& app, int& exit_code);
// `payload as2 pack|unpack|explain`: AS2 messages in wire form.
void register_as2_commands(CLI::App& app, int& exit_code);
// `payload as2 send|status`: sending to a partner of an as2d configuration (under `as2`).
void register_as2_send_commands(CLI::App& as2, int& exit_code);
// `payload mdn verify`: AS2 receipts.
void register_mdn_commands(CLI::App& app, int& exit_code);
// `payload hook run|check`: file-transfer hooks with their own exit codes (docs/hooks.md).
void register_hook_commands(CLI::App& app, int& exit_code);
// `payload sig sign|verify` (raw RSA signatures) and `payload verify` (any signature).
void register_sig_commands(CLI::App& app, int& exit_code);

}  // namespace payload::cli
