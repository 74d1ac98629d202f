// payload::pgp keyring: home directories, their short aliases and the agent lifecycle.
#include <payload/pgp/keyring.h>

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>

#include <payload/io/file.h>
#include <payload/pgp/agent_process.h>

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

// The agent's socket for `home`, as gpgconf --list-dirs agent-socket gives it. GnuPG
// (common/homedir.c, _gnupg_socketdir_internal) puts sockets below the first directory
// [/var]/run[/gnupg]/user/UID that exists and in the home when there is none: that case
// is answered here, which saves starting gpgconf on every sign and decrypt; the others,
// which involve permission checks and a hash of the home's name, are left to gpgconf.
std::string agent_socket(const fs::path& home) {
  const auto uid = std::to_string(::getuid());
  bool run_dir = false;
  for (const char* base : {"/run/gnupg", "/run", "/var/run/gnupg", "/var/run"}) {
    struct stat st {};
    if (::stat((std::string(base) + "/user/" + uid).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) run_dir = true;
  }
  if (!run_dir) return (home / "S.gpg-agent").string();
  auto socket = detail::run_process({"gpgconf", "--homedir", home.string(), "--list-dirs", "agent-socket"});
  std::string path = socket ? socket->out : std::string();
  while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
  return path;
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
  m_state->agent_ours = !socket_answers(agent_socket(m_state->engine_home));
}

void Keyring::stop_agent() {
  if (!m_state->agent_ours) return;
  m_state->agent_ours = false;
  m_state->agent_checked = false;
  // Found before the kill: gpgconf returns once the agent has acknowledged KILLAGENT, and
  // the agent then still removes its sockets from the home. A home deleted meanwhile was
  // left half-removed in /tmp (remove_all stops at the socket that vanished under it).
  const auto agent = agent_process(m_state->engine_home);
  auto stopped = detail::run_process({"gpgconf", "--homedir", m_state->engine_home.string(), "--kill", "all"}, 10000);
  if (!agent) return;
  // gpgconf talks to the agent; when that conversation hangs, the agent is ended by signal.
  if (!stopped || stopped->exit_code != 0) ::kill(*agent, SIGKILL);
  if (wait_process_gone(*agent, std::chrono::seconds(3))) return;
  ::kill(*agent, SIGKILL);
  wait_process_gone(*agent, std::chrono::seconds(1));
}

}  // namespace payload::pgp
