// payload::io files: descriptors, atomic publication, spooling.
#include <payload/io/file.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

namespace payload::io {

Error errno_error(const std::string& what, int saved_errno) {
  return Error(Errc::io, what + ": " + std::strerror(saved_errno));
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    m_fd = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() { reset(); }

int UniqueFd::release() noexcept {
  const int fd = m_fd;
  m_fd = -1;
  return fd;
}

void UniqueFd::reset() noexcept {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
}

Result<InputFile> InputFile::open(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fail(errno_error(path.string(), errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(errno_error(path.string(), errno));
  if (S_ISDIR(st.st_mode)) return fail(Errc::io, path.string() + ": is a directory");
  Input input{fd.get(), {}, 0};
  if (S_ISREG(st.st_mode)) {
    input.path = std::filesystem::absolute(path);
    input.size = static_cast<std::uint64_t>(st.st_size);
  }
  return InputFile(std::move(fd), std::move(input));
}

InputFile InputFile::standard_input() {
  Input input{STDIN_FILENO, {}, 0};
  struct stat st {};
  if (::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) input.size = static_cast<std::uint64_t>(st.st_size);
  return InputFile(UniqueFd(), input);
}

namespace {
std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s(8, 'x');
  for (auto& c : s) c = alphabet[rng() % (sizeof(alphabet) - 1)];
  return s;
}

Status fsync_directory(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return fail(errno_error(dir.string(), errno));
  if (::fsync(fd.get()) != 0) return fail(errno_error(dir.string(), errno));
  return {};
}
}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target, std::filesystem::path temp, UniqueFd fd, bool overwrite)
    : m_target(std::move(target)), m_temp(std::move(temp)), m_fd(std::move(fd)), m_overwrite(overwrite) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_target(std::move(other.m_target)),
      m_temp(std::move(other.m_temp)),
      m_fd(std::move(other.m_fd)),
      m_overwrite(other.m_overwrite),
      m_done(other.m_done) {
  other.m_done = true;  // the moved-from object must not unlink our temp
}

Result<AtomicFile> AtomicFile::create(const std::filesystem::path& target, bool overwrite) {
  std::error_code ec;
  if (!overwrite && std::filesystem::exists(target, ec))
    return fail(Errc::io, target.string() + ": output file already exists (use --force to replace it)");
  const auto absolute = std::filesystem::absolute(target);
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto temp = absolute;
    temp += ".part-" + random_suffix();
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.valid()) return AtomicFile(absolute, std::move(temp), std::move(fd), overwrite);
    if (errno != EEXIST) return fail(errno_error(target.string(), errno));
  }
  return fail(Errc::io, target.string() + ": cannot create a unique temporary file");
}

AtomicFile::~AtomicFile() {
  if (!m_done && !m_temp.empty()) ::unlink(m_temp.c_str());
}

Status AtomicFile::write(std::span<const char> bytes) {
  auto status = write_all(m_fd.get(), bytes);
  if (!status) return fail(status.error().with_context(m_target.string()));
  return {};
}

Status AtomicFile::finish() {
  if (m_done) return fail(Errc::internal, m_target.string() + ": finished twice");
  if (::fsync(m_fd.get()) != 0) return fail(errno_error(m_target.string(), errno));
  m_fd.reset();
  if (!m_overwrite) {
    // link() fails if the target appeared meanwhile, so a file someone else wrote is never replaced.
    if (::link(m_temp.c_str(), m_target.c_str()) != 0) return fail(errno_error(m_target.string(), errno));
    ::unlink(m_temp.c_str());
  } else if (::rename(m_temp.c_str(), m_target.c_str()) != 0) {
    return fail(errno_error(m_target.string(), errno));
  }
  m_done = true;
  return fsync_directory(m_target.parent_path());
}

Result<SpoolFile> SpoolFile::create() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::filesystem::path dir = tmpdir && *tmpdir ? tmpdir : "/tmp";
  UniqueFd fd(::open(dir.c_str(), O_RDWR | O_TMPFILE | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    // Filesystems without O_TMPFILE: a named file, unlinked at once.
    std::string templ = (dir / "payload-spool-XXXXXX").string();
    fd = UniqueFd(::mkostemp(templ.data(), O_CLOEXEC));
    if (!fd.valid()) return fail(errno_error(dir.string(), errno));
    ::unlink(templ.c_str());
  }
  return SpoolFile(std::move(fd));
}

Status SpoolFile::copy_to(int out) const {
  std::array<char, 1 << 16> buffer{};
  off_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(m_fd.get(), buffer.data(), buffer.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno_error("spool file", errno));
    }
    if (n == 0) return {};
    offset += n;
    if (auto status = write_all(out, {buffer.data(), static_cast<size_t>(n)}); !status) return status;
  }
}

Result<std::string> SpoolFile::read_all() const {
  if (::lseek(m_fd.get(), 0, SEEK_SET) < 0) return fail(errno_error("spool file", errno));
  return io::read_all(m_fd.get());
}

Status write_all(int fd, std::span<const char> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno_error("write", errno));
    }
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return {};
}

Result<std::string> read_all(int fd, std::size_t spare) {
  std::string out;
  // A regular file's size is known: one allocation of the right size instead of a
  // doubling buffer, which holds up to twice a large file while it grows.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size) + spare);
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno_error("read", errno));
    }
    if (n == 0) return out;
    out.append(buffer.data(), static_cast<size_t>(n));
  }
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t spare) {
  auto file = InputFile::open(path);
  if (!file) return fail(file.error());
  auto content = read_all(file->input().fd, spare);
  if (!content) return fail(content.error().with_context(path.string()));
  return content;
}

}  // namespace payload::io
