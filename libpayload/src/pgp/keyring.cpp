// payload::pgp keyring: home directories, their short aliases and the agent lifecycle.
#include <payload/pgp/keyring.h>

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <payload/io/file.h>

#include "process.h"

namespace payload::pgp {
namespace fs = std::filesystem;

namespace {

// gpg-agent's longest socket name is "S.gpg-agent.browser" (19 bytes) and sun_path holds
// 107 characters plus NUL; homes longer than this get an alias (gpgme-notes 2.4).
constexpr size_t kMaxDirectHomeLength = 80;

Status ensure_private_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir.parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return fail(io::errno_error(dir.string(), errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return fail(io::errno_error(dir.string(), errno));
  if (!S_ISDIR(st.st_mode)) return fail(Errc::io, dir.string() + ": not a directory");
  return {};
}

// A short alias /tmp/payload-UID/HASH -> home, in a directory only we own, so that a long
// home still gets agent socket paths within the limit.
Result<fs::path> short_alias(const fs::path& home) {
  const fs::path base = fs::path("/tmp") / ("payload-" + std::to_string(::getuid()));
  if (::mkdir(base.c_str(), 0700) != 0 && errno != EEXIST) return fail(io::errno_error(base.string(), errno));
  struct stat st {};
  if (::lstat(base.c_str(), &st) != 0) return fail(io::errno_error(base.string(), errno));
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0)
    return fail(Errc::io, base.string() + ": exists but is not a private directory of this user; remove it");
  char name[17];
  std::snprintf(name, sizeof name, "%016zx", std::hash<std::string>{}(home.string()));
  const fs::path alias = base / name;
  std::error_code ec;
  const auto existing = fs::read_symlink(alias, ec);
  if (!ec && existing == home) return alias;
  fs::remove(alias, ec);
  fs::create_directory_symlink(home, alias, ec);
  if (ec) return fail(Errc::io, alias.string() + ": " + ec.message());
  return alias;
}

bool socket_answers(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return false;
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, path.size());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// Finds the gpg-agent serving `home` by its command line and ends it.
void kill_agent_process(const fs::path& home) {
  const std::string wanted = "--homedir";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    auto cmdline = io::read_file(entry.path() / "cmdline");
    if (!cmdline) continue;
    std::vector<std::string> args;
    for (size_t start = 0; start < cmdline->size();) {
      const auto end = cmdline->find('\0', start);
      args.push_back(cmdline->substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    if (args.size() < 3 || fs::path(args[0]).filename() != "gpg-agent") continue;
    for (size_t i = 1; i + 1 < args.size(); ++i)
      if (args[i] == wanted && fs::path(args[i + 1]) == home) ::kill(std::stoi(name), SIGKILL);
  }
}

}  // namespace

struct Keyring::State {
  fs::path home;
  fs::path engine_home;
  bool temporary = false;
  bool agent_checked = false;
  bool agent_ours = false;
};

Keyring::Keyring(std::unique_ptr<State> state) : m_state(std::move(state)) {}
Keyring::Keyring(Keyring&&) noexcept = default;
Keyring& Keyring::operator=(Keyring&&) noexcept = default;

Keyring::~Keyring() {
  if (!m_state) return;
  stop_agent();
  std::error_code ec;
  if (m_state->engine_home != m_state->home) fs::remove(m_state->engine_home, ec);
  if (m_state->temporary) fs::remove_all(m_state->home, ec);
}

Result<Keyring> Keyring::open(const fs::path& home) {
  if (home.empty()) return fail(Errc::usage, "empty keyring directory");
  const fs::path absolute = fs::absolute(home).lexically_normal();
  if (auto status = ensure_private_dir(absolute); !status) return fail(status.error());
  auto state = std::make_unique<State>();
  state->home = absolute;
  state->engine_home = absolute;
  if (absolute.string().size() > kMaxDirectHomeLength) {
    auto alias = short_alias(absolute);
    if (!alias) return fail(alias.error());
    state->engine_home = *alias;
  }
  return Keyring(std::move(state));
}

Result<Keyring> Keyring::temporary() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string templ = (fs::path(tmpdir && *tmpdir ? tmpdir : "/tmp") / "payload-gpg-XXXXXX").string();
  if (!::mkdtemp(templ.data())) return fail(io::errno_error(templ, errno));
  auto keyring = open(templ);
  if (!keyring) {
    std::error_code ec;
    fs::remove_all(templ, ec);
    return keyring;
  }
  keyring->m_state->temporary = true;
  // Whatever a throwaway home started is ours to stop.
  keyring->m_state->agent_checked = true;
  keyring->m_state->agent_ours = true;
  return keyring;
}

fs::path Keyring::default_home() {
  if (const char* env = std::getenv("PAYLOAD_GNUPGHOME"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) return fs::path(xdg) / "payload" / "gnupg";
  const char* user_home = std::getenv("HOME");
  return fs::path(user_home && *user_home ? user_home : "/tmp") / ".local" / "share" / "payload" / "gnupg";
}

const fs::path& Keyring::home() const noexcept { return m_state->home; }
const fs::path& Keyring::engine_home() const noexcept { return m_state->engine_home; }

void Keyring::will_use_agent() {
  if (m_state->agent_checked) return;
  m_state->agent_checked = true;
  auto socket = detail::run_process({"gpgconf", "--homedir", m_state->engine_home.string(), "--list-dirs", "agent-socket"});
  std::string path = socket ? socket->out : std::string();
  while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
  m_state->agent_ours = !socket_answers(path);
}

void Keyring::stop_agent() {
  if (!m_state->agent_ours) return;
  m_state->agent_ours = false;
  m_state->agent_checked = false;
  auto stopped = detail::run_process({"gpgconf", "--homedir", m_state->engine_home.string(), "--kill", "all"}, 10000);
  // gpgconf talks to the agent; when that conversation hangs, the agent is ended by signal.
  if (!stopped || stopped->exit_code != 0) kill_agent_process(m_state->engine_home);
}

}  // namespace payload::pgp
