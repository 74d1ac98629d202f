// The subcommands of `payload sop`. Each takes the words after its name and returns the
// exit code of the Stateless OpenPGP draft (sop_args.h); output goes to stdout, one line
// per failure to stderr.
#pragma once

#include <string>
#include <vector>

namespace payload::cli::sop {

using Words = std::vector<std::string>;

// sop_command.cpp
int run_version(const Words& args);
int run_list_profiles(const Words& args);

// sop_key_commands.cpp
int run_generate_key(const Words& args);
int run_extract_cert(const Words& args);

// sop_message_commands.cpp
int run_sign(const Words& args);
int run_verify(const Words& args);
int run_encrypt(const Words& args);
int run_decrypt(const Words& args);

// sop_inline_commands.cpp
int run_inline_sign(const Words& args);
int run_inline_verify(const Words& args);
int run_inline_detach(const Words& args);

// sop_armor_commands.cpp
int run_armor(const Words& args);
int run_dearmor(const Words& args);

// The profiles of generate-key and encrypt: name and description, the default first.
struct Profile {
  const char* name;
  const char* description;
};
extern const std::vector<Profile> generate_key_profiles;
extern const std::vector<Profile> encrypt_profiles;

}  // namespace payload::cli::sop
