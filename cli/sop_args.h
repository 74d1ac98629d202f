// `payload sop`: the exit codes of the Stateless OpenPGP draft, the failure type every
// subcommand returns, and the small argument parser the subcommands share. SOP has its
// own conventions ("--opt=VALUE" or "--opt VALUE", "--" ends the options, an unknown
// option is exit code 37, a missing argument 19), so it is parsed here rather than by
// CLI11, whose errors would all become `payload`'s usage code.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include <payload/core/error.h>

namespace payload::cli::sop {

// draft-dkg-openpgp-stateless-cli, section "Failure Modes".
enum Exit : int {
  exit_ok = 0,
  exit_unspecified = 1,
  exit_no_signature = 3,                 // NO_SIGNATURE
  exit_unsupported_asymmetric_algo = 13, // UNSUPPORTED_ASYMMETRIC_ALGO
  exit_cert_cannot_encrypt = 17,         // CERT_CANNOT_ENCRYPT
  exit_missing_arg = 19,                 // MISSING_ARG
  exit_incomplete_verification = 23,     // INCOMPLETE_VERIFICATION
  exit_cannot_decrypt = 29,              // CANNOT_DECRYPT
  exit_password_not_human_readable = 31, // PASSWORD_NOT_HUMAN_READABLE
  exit_unsupported_option = 37,          // UNSUPPORTED_OPTION
  exit_bad_data = 41,                    // BAD_DATA
  exit_expected_text = 53,               // EXPECTED_TEXT
  exit_output_exists = 59,               // OUTPUT_EXISTS
  exit_missing_input = 61,               // MISSING_INPUT
  exit_key_is_protected = 67,            // KEY_IS_PROTECTED
  exit_unsupported_subcommand = 69,      // UNSUPPORTED_SUBCOMMAND
  exit_unsupported_special_prefix = 71,  // UNSUPPORTED_SPECIAL_PREFIX
  exit_ambiguous_input = 73,             // AMBIGUOUS_INPUT
  exit_key_cannot_sign = 79,             // KEY_CANNOT_SIGN
  exit_incompatible_options = 83,        // INCOMPATIBLE_OPTIONS
  exit_unsupported_profile = 89,         // UNSUPPORTED_PROFILE
};

// What went wrong, as the exit code and one line for stderr.
struct Failure {
  int code = exit_unspecified;
  std::string message;
};

template <typename T>
using Outcome = tl::expected<T, Failure>;
using Done = Outcome<void>;

[[nodiscard]] inline tl::unexpected<Failure> failure(int code, std::string message) {
  return tl::unexpected<Failure>(Failure{code, std::move(message)});
}
// A library error with the exit code the caller chose for it.
[[nodiscard]] inline tl::unexpected<Failure> failure(int code, const Error& error) { return failure(code, error.message()); }

// Prints "payload sop: MESSAGE" on stderr and returns the code.
int report(const Failure& failure);

struct OptionSpec {
  std::string_view name;  // "--no-armor"
  bool takes_value = false;
  bool repeatable = false;
};

// A parsed subcommand line.
class Args final {
public:
  // Errors: 37 for an unknown option (or a value given to a flag), 19 for an option
  // without its value, 83 for a single-valued option given twice.
  static Outcome<Args> parse(const std::vector<std::string>& argv, std::initializer_list<OptionSpec> options);

  [[nodiscard]] bool help() const noexcept { return m_help; }
  [[nodiscard]] bool flag(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> value(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> values(std::string_view name) const;
  [[nodiscard]] const std::vector<std::string>& positionals() const noexcept { return m_positionals; }

private:
  bool m_help = false;
  std::vector<std::pair<std::string, std::string>> m_options;  // name, value ("" for flags)
  std::vector<std::string> m_positionals;
};

}  // namespace payload::cli::sop
