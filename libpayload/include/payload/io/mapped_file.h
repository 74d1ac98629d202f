// payload::io MappedFile: a whole file mapped read-only, so that large AS2 layers (spool
// files of 1 GiB and more) are parsed as a std::string_view without being read into
// memory; and copy_range, which moves a range of one file into another inside the kernel.
//
// Memory accounting: the pages of a mapping that are touched count in the process's
// resident set (RssFile, and so VmHWM) like a copy in memory would, although the kernel
// can drop them at any time. release() gives touched pages back at once: a reader that
// is done with a range, or that reads it through the descriptor instead, keeps the
// resident set from growing with the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include <payload/core/error.h>
#include <payload/io/file.h>

namespace payload::io {

class MappedFile final {
public:
  // Maps the file behind `fd` (a regular file, read from offset 0 to its current size).
  // The descriptor is duplicated: the caller may close its own. Errors: io.
  [[nodiscard]] static Result<std::shared_ptr<const MappedFile>> map(int fd);
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  [[nodiscard]] std::string_view bytes() const noexcept { return {m_data, m_size}; }
  // The duplicated descriptor, for reading the same bytes without touching the mapping.
  [[nodiscard]] int fd() const noexcept { return m_fd.get(); }
  // True when `view` lies within bytes(); its offset in the file is then view.data() - bytes().data().
  [[nodiscard]] bool contains(std::string_view view) const noexcept;
  // Drops the whole pages inside `view` (a part of bytes()) from the resident set; the
  // bytes stay readable and are read in again from the file when touched.
  void release(std::string_view view) const noexcept;

private:
  MappedFile(UniqueFd fd, const char* data, std::size_t size) : m_fd(std::move(fd)), m_data(data), m_size(size) {}
  UniqueFd m_fd;
  const char* m_data = nullptr;
  std::size_t m_size = 0;
};

// Appends `size` bytes of `from`, starting at `offset`, to `to` (at its current position):
// copy_file_range, so that the bytes need not pass through this process's memory, with a
// read/write fallback. Errors: io, also when `from` ends before offset + size.
[[nodiscard]] Status copy_range(int from, std::uint64_t offset, std::uint64_t size, int to);

// Appends everything `from` still yields (a pipe, standard input) to `to`. Errors: io.
[[nodiscard]] Status copy_to_end(int from, int to);

}  // namespace payload::io
