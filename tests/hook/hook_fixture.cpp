// The `payload hook` test station.
#include "hook/hook_fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "support/run.h"
#include "support/temp_dir.h"

extern char** environ;

namespace payload::test {

HookStation::HookStation()
    : in(partners.dir / "in"), out(partners.dir / "out"), quarantine(partners.dir / "quarantine"),
      ini(partners.dir / "hooks.ini"), log(partners.dir / "audit.log") {
  std::filesystem::create_directories(in);
}

void HookStation::policies(const std::string& text) const {
  std::string t = text;
  const std::vector<std::pair<std::string, std::string>> vars{{"@OURS@", partners.our_fpr},
                                                             {"@PARTNER@", partners.partner_fpr},
                                                             {"@KEYRING@", partners.ours.string()},
                                                             {"@DIR@", partners.dir.path().string()}};
  for (const auto& [from, to] : vars)
    for (auto pos = t.find(from); pos != std::string::npos; pos = t.find(from, pos)) t.replace(pos, from.size(), to);
  write_file(ini, t);
}

std::vector<std::string> HookStation::hook_argv(const std::string& policy, const std::vector<std::string>& files,
                                                const std::string& event) const {
  std::vector<std::string> argv{payload_cli(), "hook", "run", "--policies", ini.string(), "--policy", policy, "--event", event,
                                "--log", log.string(), "--log-format", "json"};
  argv.insert(argv.end(), files.begin(), files.end());
  return argv;
}

RunResult HookStation::hook(const std::string& policy, const std::vector<std::string>& files, const std::string& event) const {
  return run(hook_argv(policy, files, event));
}

std::filesystem::path HookStation::upload(const std::string& name, const std::string& content) const {
  write_file(in / name, content);
  return in / name;
}

std::string HookStation::audit() const { return std::filesystem::exists(log) ? read_file(log) : std::string(); }

std::string HookStation::partner_decrypts(const std::filesystem::path& file) const {
  return partners.gpg({"--decrypt", file.string()});
}

std::vector<std::string> HookStation::names(const std::filesystem::path& dir) {
  std::vector<std::string> n;
  if (!std::filesystem::exists(dir)) return n;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n.push_back(e.path().filename().string());
  std::sort(n.begin(), n.end());
  return n;
}

Background::Background(const std::vector<std::string>& argv) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = ::posix_spawnp(&m_pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
}

Background::~Background() {
  if (!m_reaped) {
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, &m_status, 0);
  }
}

int Background::wait() {
  if (!m_reaped) {
    ::waitpid(m_pid, &m_status, 0);
    m_reaped = true;
  }
  return WIFEXITED(m_status) ? WEXITSTATUS(m_status) : -WTERMSIG(m_status);
}

void Background::kill9() {
  ::kill(m_pid, SIGKILL);
  wait();
}

bool wait_for_file(const std::filesystem::path& path, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void kill_pid_file(const std::filesystem::path& pid_file) {
  if (!std::filesystem::exists(pid_file)) return;
  const int pid = std::atoi(read_file(pid_file).c_str());
  if (pid > 1) ::kill(pid, SIGKILL);
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace payload::test
