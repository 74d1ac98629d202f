// payload::io MappedFile and copy_range.
#include <payload/io/mapped_file.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace payload::io {

namespace {

std::size_t page_size() noexcept {
  static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

Result<std::shared_ptr<const MappedFile>> MappedFile::map(int fd) {
  UniqueFd own(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!own.valid()) return fail(errno_error("mapping a file", errno));
  struct stat st {};
  if (::fstat(own.get(), &st) != 0) return fail(errno_error("mapping a file", errno));
  const auto size = static_cast<std::size_t>(st.st_size);
  const char* data = "";
  if (size > 0) {
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, own.get(), 0);
    if (mapped == MAP_FAILED) return fail(errno_error("mapping a file", errno));
    data = static_cast<const char*>(mapped);
  }
  return std::shared_ptr<const MappedFile>(new MappedFile(std::move(own), data, size));
}

MappedFile::~MappedFile() {
  if (m_size > 0) ::munmap(const_cast<char*>(m_data), m_size);
}

bool MappedFile::contains(std::string_view view) const noexcept {
  const auto base = reinterpret_cast<std::uintptr_t>(m_data);
  const auto at = reinterpret_cast<std::uintptr_t>(view.data());
  return at >= base && at - base <= m_size && view.size() <= m_size - (at - base);
}

void MappedFile::release(std::string_view view) const noexcept {
  if (m_size == 0 || !contains(view)) return;
  const std::size_t page = page_size();
  const std::size_t from = static_cast<std::size_t>(view.data() - m_data);
  const std::size_t begin = (from + page - 1) / page * page;
  const std::size_t end = (from + view.size()) / page * page;
  if (end <= begin) return;
  // Private read-only mapping of a file: the pages are clean, dropping them loses nothing.
  ::madvise(const_cast<char*>(m_data) + begin, end - begin, MADV_DONTNEED);
}

Status copy_range(int from, std::uint64_t offset, std::uint64_t size, int to) {
  auto position = static_cast<loff_t>(offset);
  std::uint64_t left = size;
  while (left > 0) {
    const ssize_t n = ::copy_file_range(from, &position, to, nullptr, left, 0);
    if (n > 0) {
      left -= static_cast<std::uint64_t>(n);
      continue;
    }
    if (n == 0) return fail(Errc::io, "copying a file range: the file ended early");
    if (errno == EINTR) continue;
    // EBADF: an O_APPEND output, which copy_file_range refuses.
    if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP && errno != EBADF)
      return fail(errno_error("copying a file range", errno));
    break;  // not between these files: copy through memory below
  }
  std::array<char, 1 << 16> buffer{};
  while (left > 0) {
    const ssize_t n = ::pread(from, buffer.data(), std::min<std::uint64_t>(left, buffer.size()), position);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno_error("copying a file range", errno));
    if (n == 0) return fail(Errc::io, "copying a file range: the file ended early");
    if (auto written = write_all(to, {buffer.data(), static_cast<std::size_t>(n)}); !written) return written;
    position += n;
    left -= static_cast<std::uint64_t>(n);
  }
  return {};
}

Status copy_to_end(int from, int to) {
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    const ssize_t n = ::read(from, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno_error("read", errno));
    if (n == 0) return {};
    if (auto written = write_all(to, {buffer.data(), static_cast<std::size_t>(n)}); !written) return written;
  }
}

}  // namespace payload::io
