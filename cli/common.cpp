// Shared command-line plumbing.
#include "common.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

namespace payload::cli {

int exit_code_for(Errc code) noexcept {
  switch (code) {
    case Errc::ok: return exit_ok;
    case Errc::usage: return exit_usage;
    case Errc::bad_data: return exit_bad_data;
    case Errc::bad_signature: return exit_bad_signature;
    case Errc::no_key: return exit_no_key;
    case Errc::key_unusable: return exit_key_unusable;
    case Errc::bad_passphrase: return exit_bad_passphrase;
    case Errc::io: return exit_io;
    case Errc::unsupported: return exit_unsupported;
    case Errc::canceled: return exit_canceled;
    case Errc::internal: return exit_internal;
  }
  return exit_internal;
}

void add_common_options(CLI::App& command, CommonOptions& options, bool with_passphrase) {
  command.add_option("--home", options.home, "Keyring directory (default: $PAYLOAD_GNUPGHOME or ~/.local/share/payload/gnupg)");
  command.add_flag("--json", options.json, "Print the result as JSON on stdout");
  command.add_flag("-q,--quiet", options.quiet, "No progress bar or notes on stderr");
  if (!with_passphrase) return;
  auto* file = command.add_option("--passphrase-file", options.passphrase_file, "Read the passphrase from the first line of FILE");
  auto* fd = command.add_option("--passphrase-fd", options.passphrase_fd, "Read the passphrase from file descriptor N");
  auto* env = command.add_option("--passphrase-env", options.passphrase_env, "Take the passphrase from environment variable VAR");
  file->excludes(fd)->excludes(env);
  fd->excludes(env);
}

namespace {
// The first line of a secret, in its own buffer (the rest of the buffer is wiped with it).
Secret first_line(std::string text) {
  Secret whole(std::move(text));
  return Secret(whole.view().substr(0, whole.view().find_first_of("\r\n")));
}
}  // namespace

Result<std::optional<Secret>> load_passphrase(const CommonOptions& options) {
  if (!options.passphrase_file.empty()) {
    auto text = io::read_file(options.passphrase_file);
    if (!text) return fail(text.error());
    return std::optional<Secret>(first_line(std::move(*text)));
  }
  if (options.passphrase_fd >= 0) {
    auto text = io::read_all(options.passphrase_fd);
    if (!text) return fail(text.error().with_context("passphrase fd " + std::to_string(options.passphrase_fd)));
    return std::optional<Secret>(first_line(std::move(*text)));
  }
  if (!options.passphrase_env.empty()) {
    const char* value = std::getenv(options.passphrase_env.c_str());
    if (!value) return fail(Errc::usage, "environment variable " + options.passphrase_env + " is not set");
    return std::optional<Secret>(first_line(value));
  }
  return std::optional<Secret>();
}

Result<pgp::Keyring> open_keyring(const CommonOptions& options) {
  return pgp::Keyring::open(options.home.empty() ? pgp::Keyring::default_home() : options.home);
}

Poco::JSON::Object::Ptr json_object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

void print_json(const Poco::JSON::Object::Ptr& object) {
  Poco::JSON::Stringifier::stringify(object, std::cout);
  std::cout << std::endl;
}

int report_error(const Error& error, const CommonOptions& options, Poco::JSON::Object::Ptr details) {
  const int code = exit_code_for(error.code());
  if (options.json) {
    auto object = details ? details : json_object();
    object->set("ok", false);
    object->set("error", std::string(errc_name(error.code())));
    object->set("message", error.message());
    object->set("exit_code", code);
    print_json(object);
  }
  std::cerr << "payload: " << error.message() << std::endl;
  return code;
}

std::string iso_time(std::int64_t seconds) {
  if (seconds <= 0) return {};
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

void print_signatures(const std::vector<pgp::SignatureReport>& signatures, const CommonOptions& options) {
  if (options.quiet || options.json) return;
  for (const auto& s : signatures) {
    std::cerr << "payload: " << pgp::status_name(s.status) << " signature by "
              << (s.primary_fingerprint.empty() ? s.fingerprint : s.primary_fingerprint);
    if (!s.user_id.empty()) std::cerr << " \"" << s.user_id << "\"";
    if (s.created) std::cerr << " made " << iso_time(s.created);
    if (!s.digest.empty()) std::cerr << " (" << s.public_key_algorithm << ", " << s.digest << ")";
    if (!s.detail.empty()) std::cerr << ": " << s.detail;
    std::cerr << "\n";
  }
}

Poco::JSON::Array::Ptr signatures_json(const std::vector<pgp::SignatureReport>& signatures) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (const auto& s : signatures) {
    auto o = json_object();
    o->set("status", std::string(pgp::status_name(s.status)));
    o->set("fingerprint", s.fingerprint);
    o->set("primary_fingerprint", s.primary_fingerprint);
    o->set("user_id", s.user_id);
    o->set("created", iso_time(s.created));
    o->set("digest", s.digest);
    o->set("public_key_algorithm", s.public_key_algorithm);
    if (!s.detail.empty()) o->set("detail", s.detail);
    array->add(o);
  }
  return array;
}

Result<OutputTarget> OutputTarget::open(const std::filesystem::path& path, bool force, bool spool_stdout) {
  OutputTarget target;
  if (path.empty() || path == "-") {
    if (spool_stdout) {
      auto spool = io::SpoolFile::create();
      if (!spool) return fail(spool.error());
      target.m_spool.emplace(std::move(*spool));
    }
    return target;
  }
  auto file = io::AtomicFile::create(path, force);
  if (!file) return fail(file.error());
  target.m_file.emplace(std::move(*file));
  return target;
}

io::Output OutputTarget::output() const {
  if (m_file) return m_file->output();
  if (m_spool) return m_spool->output();
  return io::Output{STDOUT_FILENO, {}};
}

std::string OutputTarget::name() const { return m_file ? m_file->target().string() : "standard output"; }

Status OutputTarget::commit() {
  if (m_file) return m_file->finish();
  if (m_spool) {
    auto status = m_spool->copy_to(STDOUT_FILENO);
    if (!status) return fail(status.error().with_context("standard output"));
  }
  return {};
}

Result<io::InputFile> open_input(const std::filesystem::path& path) {
  if (path.empty() || path == "-") return io::InputFile::standard_input();
  return io::InputFile::open(path);
}

ProgressBar::ProgressBar(const CommonOptions& options, std::string label)
    : m_enabled(!options.quiet && !options.json && ::isatty(STDERR_FILENO)), m_label(std::move(label)) {}

ProgressBar::~ProgressBar() {
  if (m_drawn) std::cerr << "\r\033[K" << std::flush;
}

io::ProgressFn ProgressBar::callback() {
  if (!m_enabled) return {};
  return [this](std::uint64_t done, std::uint64_t total) { update(done, total); };
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (now - m_last_draw_ms < 100 && done != total) return;
  m_last_draw_ms = now;
  m_drawn = true;
  std::cerr << "\r" << m_label << " ";
  if (total > 0) {
    const int percent = static_cast<int>(done * 100 / total);
    const int filled = percent * 30 / 100;
    std::cerr << "[" << std::string(static_cast<size_t>(filled), '#') << std::string(static_cast<size_t>(30 - filled), ' ') << "] "
              << percent << "%";
  } else {
    std::cerr << done;
  }
  std::cerr << "\033[K" << std::flush;
}

}  // namespace payload::cli
