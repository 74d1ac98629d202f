// payload::core errors: the stable error codes every module reports, and Result<T>.
//
// Outcomes a partner, a file or a user can cause come back as values; exceptions
// never cross the public API. Errc values are stable: the CLI maps them to exit
// codes (docs/exit-codes.md) and later the AS2 layer to MDN disposition modifiers.
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <tl/expected.hpp>

namespace payload {

enum class Errc {
  ok = 0,
  usage,           // the caller asked for something impossible or malformed (bad option, missing argument)
  bad_data,        // input is not what it claims: malformed, corrupt, truncated, tampered, not integrity-protected
  bad_signature,   // a signature is bad, or a required good signature is missing
  no_key,          // a key or certificate needed for the operation is not available
  key_unusable,    // the key exists but cannot be used: expired, revoked, wrong capability
  bad_passphrase,  // the passphrase does not unlock the key or the message
  io,              // reading or writing a file, pipe or socket failed
  unsupported,     // an algorithm or feature this build or the engine does not offer
  canceled,        // the operation was stopped (timeout, user cancel)
  internal,        // a bug or an unexpected engine failure
};

// The name used in logs and JSON output ("bad_data", ...). Stable.
[[nodiscard]] std::string_view errc_name(Errc code) noexcept;

const std::error_category& payload_category() noexcept;
[[nodiscard]] std::error_code make_error_code(Errc code) noexcept;

// An error with its cause in one line: what failed, on which file or key, and why.
class Error final {
public:
  Error(Errc code, std::string message) : m_code(code), m_message(std::move(message)) {}

  [[nodiscard]] Errc code() const noexcept { return m_code; }
  [[nodiscard]] const std::string& message() const noexcept { return m_message; }

  // Returns a copy whose message starts with `context: ` (e.g. a file name).
  [[nodiscard]] Error with_context(std::string_view context) const;

private:
  Errc m_code;
  std::string m_message;
};

template <typename T>
using Result = tl::expected<T, Error>;

// Builds the unexpected side of a Result in one expression.
[[nodiscard]] inline tl::unexpected<Error> fail(Errc code, std::string message) {
  return tl::unexpected<Error>(Error(code, std::move(message)));
}
[[nodiscard]] inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

// "No value" success: Result<void> is spelled Status.
using Status = Result<void>;

}  // namespace payload

template <>
struct std::is_error_code_enum<payload::Errc> : std::true_type {};
