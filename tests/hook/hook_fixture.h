// A station for `payload hook` tests: our keyring (driven by payload) and a partner's
// (driven by the gpg command), the folders a policy uses, and the hook run as the real
// `payload` binary, synchronously or in the background (to be raced or killed).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/cli_fixture.h"

namespace payload::test {

// Exit codes of `payload hook` (docs/hooks.md).
constexpr int kHookOk = 0, kHookQuarantined = 1, kHookBadInput = 2, kHookConfig = 3, kHookBusy = 5;

class HookStation {
public:
  HookStation();
  // Writes the policies file; "@OURS@", "@PARTNER@", "@KEYRING@", "@DIR@" are replaced.
  void policies(const std::string& text) const;
  [[nodiscard]] std::vector<std::string> hook_argv(const std::string& policy, const std::vector<std::string>& files,
                                                   const std::string& event = "post-upload") const;
  RunResult hook(const std::string& policy, const std::vector<std::string>& files, const std::string& event = "post-upload") const;
  // Writes FILE in the upload folder and returns its path.
  std::filesystem::path upload(const std::string& name, const std::string& content) const;
  // The audit trail so far (JSON lines).
  [[nodiscard]] std::string audit() const;
  // The partner decrypts (and verifies) with gpg: the plaintext, or throws.
  [[nodiscard]] std::string partner_decrypts(const std::filesystem::path& file) const;
  // Files in a folder (names only, sorted), hidden ones included.
  [[nodiscard]] static std::vector<std::string> names(const std::filesystem::path& dir);

  Partners partners;
  std::filesystem::path in, out, quarantine, ini, log;
};

// A process started in the background with stdout and stderr to /dev/null.
class Background final {
public:
  explicit Background(const std::vector<std::string>& argv);
  ~Background();  // kills (SIGKILL) and reaps it if still running
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  // Waits for the exit code (-signal when killed).
  int wait();
  void kill9();
  [[nodiscard]] pid_t pid() const noexcept { return m_pid; }

private:
  pid_t m_pid = -1;
  bool m_reaped = false;
  int m_status = 0;
};

// Waits up to `seconds` for `path` to exist.
bool wait_for_file(const std::filesystem::path& path, double seconds = 20);
// Kills (SIGKILL) the process whose pid is written in `pid_file`, if any.
void kill_pid_file(const std::filesystem::path& pid_file);
bool contains(const std::string& haystack, const std::string& needle);

}  // namespace payload::test
