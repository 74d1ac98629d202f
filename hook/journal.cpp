// payload hook journal and lock.
#include "journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>


namespace payload::hook {
namespace {

// Values on one line each: '%' and line ends are escaped.
std::string escape(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '%') out += "%25";
    else if (c == '\n') out += "%0A";
    else if (c == '\r') out += "%0D";
    else out.push_back(c);
  }
  return out;
}

std::string unescape(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size()) {
      const auto code = value.substr(i + 1, 2);
      if (code == "25") out.push_back('%');
      else if (code == "0A") out.push_back('\n');
      else if (code == "0D") out.push_back('\r');
      else out.append(value.substr(i, 3));
      i += 2;
    } else {
      out.push_back(value[i]);
    }
  }
  return out;
}

constexpr std::string_view kMagic = "payload-hook-journal 1";

std::filesystem::path hidden_beside(const std::filesystem::path& file, std::string_view suffix) {
  return file.parent_path() / ("." + file.filename().string() + std::string(suffix));
}

}  // namespace

std::filesystem::path journal_path(const std::filesystem::path& file) { return hidden_beside(file, ".payload-hook"); }
std::filesystem::path lock_path(const std::filesystem::path& file) { return hidden_beside(file, ".payload-hook.lock"); }

Result<std::optional<Journal>> read_journal(const std::filesystem::path& file) {
  const auto path = journal_path(file);
  auto opened = io::InputFile::open(path);
  if (!opened) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) return std::optional<Journal>{};
    return fail(opened.error());
  }
  auto text = io::read_all(opened->input().fd);
  if (!text) return fail(text.error());
  std::string_view rest = *text;
  if (rest.substr(0, kMagic.size()) != kMagic) return fail(Errc::bad_data, path.string() + ": not a payload hook journal");
  Journal j;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const auto line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const auto key = line.substr(0, eq);
    const auto value = unescape(line.substr(eq + 1));
    if (key == "policy") j.policy = value;
    else if (key == "hook_event") j.hook_event = value;
    else if (key == "run_id") j.run_id = value;
    else if (key == "next_step") j.next_step = std::stoul(value);
    else if (key == "current") j.current = value;
    else if (key == "pending") j.pending = value;
    else if (key == "superseded") j.superseded = value;
    else if (key == "companion") j.companions.emplace_back(value);
    else if (key == "failure") j.failure = value;
    else if (key == "failure_code") j.failure_code = value;
  }
  if (j.current.empty()) return fail(Errc::bad_data, path.string() + ": journal without a current file");
  return std::optional<Journal>(std::move(j));
}

Status write_journal(const std::filesystem::path& file, const Journal& j) {
  std::string text(kMagic);
  text += "\n";
  auto put = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) text += std::string(key) + "=" + escape(value) + "\n";
  };
  put("policy", j.policy);
  put("hook_event", j.hook_event);
  put("run_id", j.run_id);
  put("next_step", std::to_string(j.next_step));
  put("current", j.current.string());
  put("pending", j.pending.string());
  put("superseded", j.superseded.string());
  for (const auto& c : j.companions) put("companion", c.string());
  put("failure", j.failure);
  put("failure_code", j.failure_code);
  // Temp, fsync, rename: the journal is always whole. The folder is not fsync'ed here:
  // every step fsyncs the same folder right after (its output, its move), which makes
  // the journal's new name durable too, at half the cost per file.
  const auto target = journal_path(file);
  std::string temp = target.string() + ".XXXXXX";
  io::UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd.valid()) return fail(io::errno_error(target.string(), errno));
  auto written = io::write_all(fd.get(), text);
  if (written && ::fsync(fd.get()) != 0) written = fail(io::errno_error(temp + ": fsync", errno));
  if (written && ::rename(temp.c_str(), target.c_str()) != 0) written = fail(io::errno_error(target.string(), errno));
  if (!written) ::unlink(temp.c_str());
  return written;
}

Status remove_journal(const std::filesystem::path& file) {
  // Not fsync'ed: a journal that comes back after a power failure names a finished run,
  // and the next run only removes it again.
  if (::unlink(journal_path(file).c_str()) != 0 && errno != ENOENT) return fail(io::errno_error(journal_path(file).string(), errno));
  return {};
}

Result<std::optional<FileLock>> FileLock::try_lock(const std::filesystem::path& file) {
  const auto path = lock_path(file);
  // A holder removes the lock file while it still holds the lock; whoever locked that
  // removed inode meanwhile must start over with the new file.
  for (int attempt = 0; attempt < 8; ++attempt) {
    io::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid()) return fail(io::errno_error(path.string(), errno));
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) return std::optional<FileLock>{};
      return fail(io::errno_error(path.string(), errno));
    }
    struct stat held {}, named {};
    if (::fstat(fd.get(), &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev)
      return std::optional<FileLock>(FileLock(path, std::move(fd)));
  }
  return std::optional<FileLock>{};
}

FileLock::~FileLock() {
  if (m_fd.valid()) ::unlink(m_path.c_str());
}

}  // namespace payload::hook
