// `payload sop` indirect arguments, passwords, spooled standard input and the session keyring.
#include "sop_inputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <payload/pgp/agent_process.h>
#include <payload/pgp/armor.h>
#include <payload/pgp/keys.h>
#include <payload/pgp/packet.h>
#include <payload/pgp/signature.h>

namespace payload::cli::sop {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kEnvPrefix = "@ENV:";
constexpr std::string_view kFdPrefix = "@FD:";

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

// "@FD:N" -> N; none for anything but decimal digits.
std::optional<int> descriptor_number(std::string_view argument) {
  const auto digits = argument.substr(kFdPrefix.size());
  if (digits.empty() || digits.size() > 9) return std::nullopt;
  int n = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

bool descriptor_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// Checks a special designator argument for the problems inputs and outputs share.
Done check_designator(const std::string& argument) {
  if (exists(argument))
    return failure(exit_ambiguous_input, argument + ": is both a special designator and an existing file; name the file as ./" + argument);
  return {};
}

bool is_trailing_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trailing_space_removed(std::string_view text) {
  while (!text.empty() && is_trailing_space(text.back())) text.remove_suffix(1);
  return text;
}

// gpg reads a passphrase as one line: line breaks and NUL cannot be passed on.
bool passable(std::string_view password) {
  return password.find_first_of(std::string_view("\n\r\0", 3)) == std::string_view::npos;
}

bool has_control_characters(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

// Incremental UTF-8 check (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
class Utf8Validator final {
public:
  bool feed(std::string_view bytes) noexcept {
    for (const char c : bytes) {
      const auto b = static_cast<unsigned char>(c);
      if (m_needed == 0) {
        if (b < 0x80) continue;
        if (b >= 0xC2 && b <= 0xDF) {
          m_needed = 1;
          m_low = 0x80, m_high = 0xBF;
        } else if (b >= 0xE0 && b <= 0xEF) {
          m_needed = 2;
          m_low = b == 0xE0 ? 0xA0 : 0x80;
          m_high = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
          m_needed = 3;
          m_low = b == 0xF0 ? 0x90 : 0x80;
          m_high = b == 0xF4 ? 0x8F : 0xBF;
        } else {
          return m_ok = false;
        }
        continue;
      }
      if (b < m_low || b > m_high) return m_ok = false;
      m_low = 0x80, m_high = 0xBF;
      --m_needed;
    }
    return m_ok;
  }
  [[nodiscard]] bool finish() const noexcept { return m_ok && m_needed == 0; }

private:
  bool m_ok = true;
  int m_needed = 0;
  unsigned char m_low = 0x80;
  unsigned char m_high = 0xBF;
};

}  // namespace

Outcome<std::string> read_indirect(const std::string& argument) {
  if (starts_with(argument, "@")) {
    if (auto status = check_designator(argument); !status) return tl::unexpected(status.error());
    if (starts_with(argument, kEnvPrefix)) {
      const std::string name = argument.substr(kEnvPrefix.size());
      const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
      if (!value) return failure(exit_missing_input, argument + ": environment variable " + name + " is not set");
      return std::string(value);
    }
    if (starts_with(argument, kFdPrefix)) {
      const auto fd = descriptor_number(argument);
      if (!fd) return failure(exit_unsupported_special_prefix, argument + ": @FD: needs a descriptor number");
      if (!descriptor_open(*fd)) return failure(exit_missing_input, argument + ": file descriptor " + std::to_string(*fd) + " is not open");
      auto content = io::read_all(*fd);
      if (!content) return failure(exit_unspecified, content.error().with_context(argument));
      return std::move(*content);
    }
    return failure(exit_unsupported_special_prefix, argument + ": unsupported special designator (only @ENV: and @FD:)");
  }
  if (argument.empty()) return failure(exit_missing_input, "empty file name");
  std::error_code ec;
  if (!fs::exists(argument, ec)) return failure(exit_missing_input, argument + ": input file does not exist");
  if (fs::is_directory(argument, ec)) return failure(exit_missing_input, argument + ": is a directory, not a file");
  auto content = io::read_file(argument);
  if (!content) return failure(exit_unspecified, content.error());
  return std::move(*content);
}

Outcome<IndirectOutput> IndirectOutput::open(const std::string& argument) {
  IndirectOutput out;
  out.m_argument = argument;
  if (starts_with(argument, "@")) {
    if (auto status = check_designator(argument); !status) return tl::unexpected(status.error());
    if (!starts_with(argument, kFdPrefix))
      return failure(exit_unsupported_special_prefix, argument + ": only @FD:N can receive output");
    const auto fd = descriptor_number(argument);
    if (!fd) return failure(exit_unsupported_special_prefix, argument + ": @FD: needs a descriptor number");
    if (!descriptor_open(*fd)) return failure(exit_unspecified, argument + ": file descriptor " + std::to_string(*fd) + " is not open");
    out.m_fd = *fd;
    return out;
  }
  if (argument.empty()) return failure(exit_missing_arg, "empty output file name");
  if (exists(argument)) return failure(exit_output_exists, argument + ": output file already exists");
  auto file = io::AtomicFile::create(argument, false);
  if (!file) return failure(exists(argument) ? exit_output_exists : exit_unspecified, file.error());
  out.m_file.emplace(std::move(*file));
  return out;
}

Done IndirectOutput::commit() {
  if (m_file) {
    if (auto status = m_file->write(m_content); !status) return failure(exit_unspecified, status.error());
    if (auto status = m_file->finish(); !status) return failure(exists(m_argument) ? exit_output_exists : exit_unspecified, status.error());
    return {};
  }
  if (auto status = io::write_all(m_fd, m_content); !status) return failure(exit_unspecified, status.error().with_context(m_argument));
  return {};
}

Outcome<std::optional<IndirectOutput>> open_optional_output(const std::optional<std::string>& argument) {
  if (!argument) return std::optional<IndirectOutput>();
  auto out = IndirectOutput::open(*argument);
  if (!out) return tl::unexpected(out.error());
  return std::optional<IndirectOutput>(std::move(*out));
}

Outcome<Secret> read_new_password(const std::string& argument) {
  auto content = read_indirect(argument);
  if (!content) return tl::unexpected(content.error());
  const Secret read(std::move(*content));
  Secret password(trailing_space_removed(read.view()));
  if (!is_utf8(password)) return failure(exit_password_not_human_readable, argument + ": the password is not UTF-8 text");
  if (password.empty()) return failure(exit_password_not_human_readable, argument + ": the password is empty");
  if (has_control_characters(password))
    return failure(exit_password_not_human_readable, argument + ": the password contains control characters");
  return password;
}

Outcome<std::vector<Secret>> read_password_candidates(const std::vector<std::string>& arguments) {
  std::vector<Secret> candidates;
  const auto add = [&](std::string_view password) {
    if (password.empty() || !passable(password)) return;
    if (std::find(candidates.begin(), candidates.end(), Secret(password)) == candidates.end()) candidates.emplace_back(password);
  };
  for (const auto& argument : arguments) {
    auto content = read_indirect(argument);
    if (!content) return tl::unexpected(content.error());
    const Secret read(std::move(*content));
    add(read.view());
    add(trailing_space_removed(read.view()));
  }
  return candidates;
}

bool is_utf8(std::string_view bytes) noexcept {
  Utf8Validator validator;
  return validator.feed(bytes) && validator.finish();
}

Outcome<io::SpoolFile> spool_standard_input() {
  auto spool = io::SpoolFile::create();
  if (!spool) return failure(exit_unspecified, spool.error());
  const int out = spool->output().fd;
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure(exit_unspecified, io::errno_error("standard input", errno));
    }
    if (n == 0) break;
    if (auto status = io::write_all(out, std::span<const char>(buffer.data(), static_cast<size_t>(n))); !status)
      return failure(exit_unspecified, status.error().with_context("spool file"));
  }
  if (::lseek(out, 0, SEEK_SET) < 0) return failure(exit_unspecified, io::errno_error("spool file", errno));
  return std::move(*spool);
}

Outcome<io::Input> rewound(const io::SpoolFile& spool) {
  const int fd = spool.output().fd;
  if (::lseek(fd, 0, SEEK_SET) < 0) return failure(exit_unspecified, io::errno_error("spool file", errno));
  return io::Input{fd, {}, 0};
}

Done require_utf8(const io::SpoolFile& spool) {
  const int fd = spool.output().fd;
  Utf8Validator validator;
  std::array<char, 1 << 16> buffer{};
  off_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure(exit_unspecified, io::errno_error("spool file", errno));
    }
    if (n == 0) break;
    offset += n;
    if (!validator.feed(std::string_view(buffer.data(), static_cast<size_t>(n))))
      return failure(exit_expected_text, "--as=text: the input is not UTF-8 text");
  }
  if (!validator.finish()) return failure(exit_expected_text, "--as=text: the input is not UTF-8 text");
  return {};
}

Outcome<std::vector<Material>> read_materials(const std::vector<std::string>& arguments) {
  std::vector<Material> materials;
  for (const auto& argument : arguments) {
    auto data = read_indirect(argument);
    if (!data) return tl::unexpected(data.error());
    materials.push_back({argument, std::move(*data)});
  }
  return materials;
}

bool holds_secret_key(const std::vector<Material>& materials) {
  for (const auto& m : materials) {
    if (m.data.view().find("-----BEGIN PGP PRIVATE KEY BLOCK-----") != std::string::npos) return true;
    if (pgp::starts_armored(m.data)) continue;
    auto packets = pgp::split_packets(m.data);
    if (packets && std::any_of(packets->begin(), packets->end(), [](const pgp::Packet& p) {
          return p.tag == pgp::tag::secret_key || p.tag == pgp::tag::secret_subkey;
        }))
      return true;
  }
  return false;
}

Outcome<std::string> read_standard_input() {
  auto content = io::read_all(STDIN_FILENO);
  if (!content) return failure(exit_unspecified, content.error().with_context("standard input"));
  return std::move(*content);
}

Done write_standard_output(std::string_view bytes) {
  if (auto status = io::write_all(STDOUT_FILENO, bytes); !status) return failure(exit_unspecified, status.error().with_context("standard output"));
  return {};
}

Done release_to_standard_output(const io::SpoolFile& spool) {
  if (auto status = spool.copy_to(STDOUT_FILENO); !status) return failure(exit_unspecified, status.error().with_context("standard output"));
  return {};
}

Outcome<Session> Session::create(Agent agent) {
  auto keyring = pgp::Keyring::temporary();
  if (!keyring) return failure(exit_unspecified, keyring.error());
  // Inline-signed messages are written uncompressed, as other SOP implementations do, so
  // that inline-detach can take them apart; encryption names its compression itself.
  std::ofstream conf(keyring->home() / "gpg.conf");
  conf << "# payload sop: a throwaway home for one call\ncompress-algo none\n";
  if (agent == Agent::not_needed) conf << "no-autostart\n";
  if (!conf.flush()) return failure(exit_unspecified, (keyring->home() / "gpg.conf").string() + ": cannot write");
  if (agent != Agent::not_needed) {
    // The agent re-protects every key it holds. Here it holds them for this call only;
    // keys handed out get the largest iteration count OpenPGP can express (RFC 4880
    // 3.7.1.3), fixed rather than calibrated: calibration alone took seconds.
    std::ofstream agent_conf(keyring->home() / "gpg-agent.conf");
    agent_conf << "# payload sop: a throwaway home for one call\n"
               << (agent == Agent::needed ? "s2k-count 65536\n" : "s2k-count 65011712\n");
    if (!agent_conf.flush()) return failure(exit_unspecified, (keyring->home() / "gpg-agent.conf").string() + ": cannot write");
  }
  return Session(std::move(*keyring));
}

Outcome<Imported> Session::import_data(const std::string& argument, std::string_view data, bool secret) {
  auto report = pgp::import_keys(m_keyring, data);
  if (!report) {
    const bool data_problem = report.error().code() == Errc::bad_data || report.error().code() == Errc::no_key;
    return failure(data_problem ? exit_bad_data : exit_unspecified,
                   argument + ": " + (secret ? "not an OpenPGP key: " : "not an OpenPGP certificate: ") + report.error().message());
  }
  Imported imported{argument, report->fingerprints};
  if (!secret) return imported;
  auto secrets = pgp::list_keys(m_keyring, imported.fingerprints, true);
  if (!secrets) return failure(exit_unspecified, secrets.error());
  for (const auto& fpr : imported.fingerprints) {
    const bool has_secret = std::any_of(secrets->begin(), secrets->end(), [&](const pgp::KeyInfo& k) { return k.fingerprint == fpr; });
    if (!has_secret) return failure(exit_bad_data, argument + ": " + fpr + " is a certificate, not a secret key");
  }
  return imported;
}

Session::~Session() {
  if (m_active) stop_agent();
}

void Session::stop_agent() noexcept {
  try {
    const auto pid = pgp::agent_process(m_keyring.engine_home());
    if (!pid) return;  // no agent was started
    ::kill(*pid, SIGTERM);
    if (pgp::wait_process_gone(*pid, std::chrono::seconds(2))) return;
    // gpg-agent waits for open connections after one SIGTERM; the third forces it.
    ::kill(*pid, SIGTERM);
    ::kill(*pid, SIGTERM);
    if (pgp::wait_process_gone(*pid, std::chrono::seconds(2))) return;
    ::kill(*pid, SIGKILL);
  } catch (...) {
    // Best effort: the keyring still runs gpgconf --kill all.
  }
}

Outcome<std::vector<Imported>> Session::import_all(const std::vector<Material>& materials, bool secret) {
  std::vector<Imported> imported;
  for (const auto& m : materials) {
    auto one = import_data(m.argument, m.data, secret);
    if (!one) return tl::unexpected(one.error());
    imported.push_back(std::move(*one));
  }
  return imported;
}

Done Session::unlock_signing_keys(const std::vector<std::string>& fingerprints, const std::vector<Secret>& passwords) {
  for (const auto& fpr : fingerprints) {
    auto key = pgp::find_key(m_keyring, fpr, true);
    if (!key) return failure(exit_unspecified, key.error());
    if (key->capabilities.find('S') == std::string::npos || key->expired || key->revoked)
      return failure(exit_key_cannot_sign, fpr + ": this key cannot sign (no usable signing key: expired, revoked or without the capability)");

    // A signature over nothing, to /dev/null: the agent keeps the key unlocked afterwards.
    std::vector<std::optional<Secret>> attempts;
    attempts.emplace_back();
    for (const auto& p : passwords) attempts.emplace_back(p);
    bool unlocked = false;
    for (const auto& attempt : attempts) {
      io::UniqueFd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
      io::UniqueFd null_out(::open("/dev/null", O_WRONLY | O_CLOEXEC));
      if (!null_in.valid() || !null_out.valid()) return failure(exit_unspecified, io::errno_error("/dev/null", errno));
      pgp::SignOptions options;
      options.signers = {fpr};
      options.key_passphrase = attempt;
      auto made = pgp::sign(m_keyring, options, io::Input{null_in.get(), {}, 0}, io::Output{null_out.get(), {}});
      if (made) {
        unlocked = true;
        break;
      }
      if (made.error().code() == Errc::key_unusable) return failure(exit_key_cannot_sign, made.error().with_context(fpr));
      if (made.error().code() != Errc::bad_passphrase) return failure(exit_unspecified, made.error().with_context(fpr));
    }
    if (!unlocked)
      return failure(exit_key_is_protected, fpr + ": the key is locked and " +
                                                (passwords.empty() ? std::string("no --with-key-password was given") : "no password given unlocks it"));
  }
  return {};
}

}  // namespace payload::cli::sop
