// payload hook policies: what a file-transfer server's hook does to a file, read from an
// INI file with one section per policy (docs/hooks.md, "Policy files").
//
// A policy is an ordered list of steps (encrypt, decrypt, verify, move, run) plus where
// failures go (the quarantine folder). Every path and key is checked when the file is
// read, so a mistake is a configuration error before any file is touched.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <payload/core/error.h>

namespace payload::hook {

// The moments a file-transfer server calls the hook.
enum class HookEvent { pre_upload, post_upload, pre_download, post_download };
[[nodiscard]] std::string_view hook_event_name(HookEvent event) noexcept;
[[nodiscard]] std::optional<HookEvent> parse_hook_event(std::string_view name) noexcept;

enum class Format { openpgp, smime };

struct EncryptStep {
  Format format = Format::openpgp;
  std::vector<std::string> recipients;                   // OpenPGP key selectors in the keyring
  std::vector<std::filesystem::path> recipient_certs;    // S/MIME recipient certificates
  std::string sign_with;                                 // OpenPGP: our secret key (empty: unsigned)
  std::filesystem::path sign_certificate, sign_key;      // S/MIME: our identity (empty: unsigned)
  bool armor = false;                                    // OpenPGP only
  std::string extension;                                 // ".pgp", ".asc" or ".p7m" by default
  bool keep_original = false;
};

struct DecryptStep {
  std::optional<Format> format;                          // empty: recognised from the content
  std::vector<std::string> require_signers;              // OpenPGP fingerprints that must have signed
  std::filesystem::path certificate, key;                // S/MIME: our identity
  std::vector<std::filesystem::path> signer_certs;       // S/MIME: the content must be signed by one of these
  bool keep_original = false;
};

struct VerifyStep {
  std::vector<std::string> signers;                      // OpenPGP fingerprints that must have signed
  std::vector<std::filesystem::path> certificates;       // CMS / raw RSA: partner certificates
  std::vector<std::filesystem::path> public_keys;        // raw RSA: bare partner public keys
};

struct MoveStep {
  std::filesystem::path to;
  bool uuid_prefix = false;
};

struct RunStep {
  std::vector<std::string> argv;
  int timeout_seconds = 300;
};

using Step = std::variant<EncryptStep, DecryptStep, VerifyStep, MoveStep, RunStep>;
[[nodiscard]] std::string_view step_name(const Step& step) noexcept;

struct Policy {
  std::string name;
  std::vector<HookEvent> events;            // the events it may run for (all four when not set)
  std::filesystem::path keyring;            // OpenPGP home; empty: pgp::Keyring::default_home()
  std::filesystem::path passphrase_file;    // unlocks our secret keys (OpenPGP and S/MIME)
  std::filesystem::path quarantine;         // where failed files go (required)
  std::vector<Step> steps;
};

// Every policy in the file. Errc::usage with "FILE:LINE: why" for any mistake.
Result<std::vector<Policy>> load_policies(const std::filesystem::path& file);

// `spec` is a policy name looked up in `policies_file`, or the path of a policy file
// that holds exactly one policy (a spec containing '/' or naming an existing file).
Result<Policy> resolve_policy(const std::string& spec, const std::filesystem::path& policies_file);

// The policies file when none is named: $PAYLOAD_HOOK_POLICIES, else /etc/payload/hooks.ini.
[[nodiscard]] std::filesystem::path default_policies_file();

// Splits a command line into argv: words separated by blanks, "double" or 'single'
// quotes group, a backslash escapes the next character. No shell is involved.
Result<std::vector<std::string>> split_command(std::string_view line);

}  // namespace payload::hook
