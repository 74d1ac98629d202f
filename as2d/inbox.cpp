// as2d inbox writer: temp file, fsync, no-replace link or rename, shared fsync of the
// directory.
#include "inbox.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "group_commit.h"

namespace as2d {

using payload::Errc;
using payload::fail;
using payload::Result;
using payload::Status;
using payload::io::errno_error;
using payload::io::UniqueFd;

namespace {

constexpr std::size_t max_name_length = 200;
constexpr std::size_t max_extension_length = 16;

bool safe_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '+';
}

std::string clean(std::string_view name) {
  std::string out;
  for (const char c : name) out.push_back(safe_char(c) ? c : '_');
  const auto first = out.find_first_not_of(".-");
  out.erase(0, first == std::string::npos ? out.size() : first);
  // Nothing but separators left ("___") carries no name.
  if (out.find_first_not_of("._-+") == std::string::npos) return {};
  if (out.size() > max_name_length) {
    const auto dot = out.rfind('.');
    const auto extension_length = dot == std::string::npos ? 0 : out.size() - dot;
    if (extension_length > 0 && extension_length <= max_extension_length)
      out = out.substr(0, max_name_length - extension_length) + out.substr(dot);
    else
      out.resize(max_name_length);
  }
  return out;
}

// One directory fsync covers every entry made in the directory before it began: the
// messages published into one inbox at the same time share it (group_commit.h), one
// GroupCommit per directory for the whole process.
Status sync_directory_shared(const std::filesystem::path& dir) {
  using DirectoryGroup = GroupCommit<const std::filesystem::path>;
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::unique_ptr<DirectoryGroup>> groups;
  DirectoryGroup* group = nullptr;
  {
    const std::lock_guard lock(mutex);
    auto& slot = groups[dir];
    if (!slot)
      slot = std::make_unique<DirectoryGroup>(
          [dir](const std::vector<const std::filesystem::path*>& items, std::vector<Status>& results) {
            if (auto synced = fsync_directory(dir); !synced) results.assign(items.size(), synced);
          });
    group = slot.get();
  }
  return group->submit(dir);
}

// Whether unnamed temporaries can be given a name later: O_TMPFILE files are linked into
// the directory through /proc/self/fd (linkat with AT_EMPTY_PATH needs a capability).
bool proc_fd_available() {
  static const bool available = ::access("/proc/self/fd", X_OK) == 0;
  return available;
}

// 0: linked; EEXIST: the target exists; other errno: failure.
int link_unnamed(int fd, const std::filesystem::path& to) {
  const auto from = "/proc/self/fd/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), AT_SYMLINK_FOLLOW) == 0) return 0;
  return errno;
}

// A final name one publisher of this process is about to link: the others skip it.
class NameReservation final {
public:
  explicit NameReservation(std::filesystem::path path) : m_path(std::move(path)) {
    const std::lock_guard lock(mutex());
    m_held = names().insert(m_path.string()).second;
  }
  ~NameReservation() {
    if (!m_held) return;
    const std::lock_guard lock(mutex());
    names().erase(m_path.string());
  }
  NameReservation(const NameReservation&) = delete;
  NameReservation& operator=(const NameReservation&) = delete;
  [[nodiscard]] bool held() const noexcept { return m_held; }

private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::set<std::string>& names() {
    static std::set<std::string> s;
    return s;
  }
  std::filesystem::path m_path;
  bool m_held = false;
};

// 0: renamed; EEXIST: the target exists; other errno: failure.
int rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // File systems without RENAME_NOREPLACE: link() refuses an existing target as well.
  if (::link(from.c_str(), to.c_str()) != 0) return errno;
  ::unlink(from.c_str());
  return 0;
}

}  // namespace

// "name.ext" -> "name-N.ext"; a leading-dot-free name without '.' gets "-N" at the end.
std::string numbered_name(const std::string& name, unsigned n) {
  const auto dot = name.rfind('.');
  const auto suffix = "-" + std::to_string(n);
  if (dot == std::string::npos || dot == 0) return name + suffix;
  return name.substr(0, dot) + suffix + name.substr(dot);
}

Status fsync_directory(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return fail(errno_error(dir.string(), errno));
  if (::fsync(fd.get()) != 0) return fail(errno_error(dir.string() + ": fsync", errno));
  return {};
}

std::string sanitize_filename(std::string_view name, std::string_view fallback) {
  auto out = clean(name);
  if (out.empty()) out = clean(fallback);
  if (out.empty()) out = "payload";
  return out;
}

Status ensure_directory(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> missing;
  for (auto p = dir; !p.empty(); p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return fail(Errc::io, p.string() + ": not a directory");
      break;
    }
    if (errno != ENOENT) return fail(errno_error(p.string(), errno));
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0750) != 0 && errno != EEXIST) return fail(errno_error(it->string(), errno));
  }
  return {};
}

std::size_t remove_stale_temporaries(const std::filesystem::path& dir) noexcept {
  std::size_t removed = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.starts_with(inbox_temp_prefix) && name.ends_with(inbox_temp_suffix) && ::unlink(it->path().c_str()) == 0)
      ++removed;
  }
  return removed;
}

Result<InboxFile> InboxFile::create(const std::filesystem::path& dir) {
  if (proc_fd_available()) {
    UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0640));
    if (fd.valid()) {
      ::fchmod(fd.get(), 0640);
      return InboxFile(dir, {}, std::move(fd));
    }
    // File systems without O_TMPFILE (EOPNOTSUPP; EISDIR from kernels that predate it)
    // get a named temporary; anything else is the directory's own problem.
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return fail(errno_error(dir.string(), errno));
  }
  std::string templ = (dir / (std::string(inbox_temp_prefix) + "XXXXXX" + std::string(inbox_temp_suffix))).string();
  UniqueFd fd(::mkostemps(templ.data(), static_cast<int>(inbox_temp_suffix.size()), O_CLOEXEC));
  if (!fd.valid()) return fail(errno_error(dir.string(), errno));
  ::fchmod(fd.get(), 0640);
  return InboxFile(dir, templ, std::move(fd));
}

InboxFile::InboxFile(InboxFile&& other) noexcept
    : m_dir(std::move(other.m_dir)), m_temp(std::move(other.m_temp)), m_fd(std::move(other.m_fd)),
      m_published(other.m_published) {
  other.m_published = true;  // the moved-from object must not unlink our temporary
}

InboxFile::~InboxFile() {
  if (!m_published && !m_temp.empty()) ::unlink(m_temp.c_str());
}

Status InboxFile::write(std::span<const char> bytes) { return payload::io::write_all(m_fd.get(), bytes); }

Result<std::filesystem::path> InboxFile::publish(std::string_view name, const BeforeLink& before_link) {
  const auto what = m_temp.empty() ? m_dir.string() + ": unnamed temporary" : m_temp.string();
  if (m_published) return fail(Errc::internal, what + ": published twice");
  if (::fsync(m_fd.get()) != 0) return fail(errno_error(what + ": fsync", errno));
  struct stat identity {};
  if (::fstat(m_fd.get(), &identity) != 0) return fail(errno_error(what + ": fstat", errno));
  // A named temporary is closed before its rename; an unnamed one is linked through its descriptor.
  if (!m_temp.empty() && ::close(m_fd.release()) != 0) return fail(errno_error(what + ": close", errno));
  const std::string base(name);
  for (unsigned n = 0; n < 10000; ++n) {
    const auto target = m_dir / (n == 0 ? base : numbered_name(base, n));
    // A name another publisher of this process is about to link is not tried: each
    // attempt costs `before_link` a commit.
    const NameReservation reserved(target);
    struct stat existing {};
    if (!reserved.held() || ::lstat(target.c_str(), &existing) == 0) continue;
    if (before_link) {
      if (auto ok = before_link(target, static_cast<std::uint64_t>(identity.st_dev), static_cast<std::uint64_t>(identity.st_ino));
          !ok)
        return fail(ok.error());
    }
    const int error = m_temp.empty() ? link_unnamed(m_fd.get(), target) : rename_no_replace(m_temp, target);
    if (error == EEXIST) continue;
    if (error != 0) return fail(errno_error(target.string(), error));
    m_published = true;
    m_fd.reset();
    if (auto synced = sync_directory_shared(m_dir); !synced) {
      ::unlink(target.c_str());
      return fail(synced.error());
    }
    return target;
  }
  return fail(Errc::io, (m_dir / base).string() + ": 10000 files of that name exist already");
}

Status unpublish(const std::filesystem::path& file) {
  if (::unlink(file.c_str()) != 0) return fail(errno_error(file.string(), errno));
  return fsync_directory(file.parent_path());
}

}  // namespace as2d
