// What every `payload` command shares: options (keyring, JSON, quiet, passphrase sources),
// the Errc -> exit code table, error and result printing, output targets, progress.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <Poco/JSON/Object.h>

#include <payload/core/error.h>
#include <payload/core/secret.h>
#include <payload/io/file.h>
#include <payload/pgp/keyring.h>
#include <payload/pgp/signature.h>

namespace payload::cli {

// Exit codes, stable and documented in docs/exit-codes.md.
enum ExitCode : int {
  exit_ok = 0,
  exit_internal = 1,
  exit_usage = 2,
  exit_bad_data = 3,
  exit_bad_signature = 4,
  exit_no_key = 5,
  exit_key_unusable = 6,
  exit_bad_passphrase = 7,
  exit_io = 8,
  exit_unsupported = 9,
  exit_canceled = 10,
};
[[nodiscard]] int exit_code_for(Errc code) noexcept;

// Options every command takes.
struct CommonOptions {
  std::filesystem::path home;  // empty: $PAYLOAD_GNUPGHOME or the default data dir
  bool json = false;
  bool quiet = false;
  std::filesystem::path passphrase_file;
  int passphrase_fd = -1;
  std::string passphrase_env;
};
void add_common_options(CLI::App& command, CommonOptions& options, bool with_passphrase);

// The passphrase from --passphrase-file, --passphrase-fd or --passphrase-env (first line,
// without its line end); none when no source was given.
Result<std::optional<Secret>> load_passphrase(const CommonOptions& options);

// Opens the keyring named by --home (or the default).
Result<pgp::Keyring> open_keyring(const CommonOptions& options);

// Prints one error line ("payload: FILE: cause") or, with --json, a JSON error object on
// stdout; returns the exit code for it.
// `details`, when given, is completed with the error fields (e.g. the signatures found).
int report_error(const Error& error, const CommonOptions& options, Poco::JSON::Object::Ptr details = nullptr);
// Prints a JSON object on stdout.
void print_json(const Poco::JSON::Object::Ptr& object);
[[nodiscard]] Poco::JSON::Object::Ptr json_object();

// Signature reports as text lines on stderr (unless quiet) and as a JSON array.
void print_signatures(const std::vector<pgp::SignatureReport>& signatures, const CommonOptions& options);
[[nodiscard]] Poco::JSON::Array::Ptr signatures_json(const std::vector<pgp::SignatureReport>& signatures);

[[nodiscard]] std::string iso_time(std::int64_t seconds);

// Where a command's result goes: a file written atomically, or standard output. Output
// that must not be released before the operation succeeded (plaintext) is spooled first
// when it goes to stdout.
class OutputTarget final {
public:
  // `path` "-" or empty means stdout.
  static Result<OutputTarget> open(const std::filesystem::path& path, bool force, bool spool_stdout);
  [[nodiscard]] io::Output output() const;
  [[nodiscard]] bool is_stdout() const noexcept { return !m_file; }
  [[nodiscard]] std::string name() const;
  // Publishes the result: renames the file into place or copies the spool to stdout.
  Status commit();

private:
  std::optional<io::AtomicFile> m_file;
  std::optional<io::SpoolFile> m_spool;
};

// Opens an input path ("-" is stdin).
Result<io::InputFile> open_input(const std::filesystem::path& path);

// A progress bar on stderr, shown only when stderr is a terminal and not --quiet.
class ProgressBar final {
public:
  ProgressBar(const CommonOptions& options, std::string label);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  // The callback to hand to an operation; empty when the bar is off.
  [[nodiscard]] io::ProgressFn callback();

private:
  void update(std::uint64_t done, std::uint64_t total);
  bool m_enabled = false;
  bool m_drawn = false;
  std::string m_label;
  std::int64_t m_last_draw_ms = 0;
};

}  // namespace payload::cli
