// payload::io files: owned descriptors, inputs and outputs of streaming operations,
// and AtomicFile, the "temp beside the target, fsync, rename" writer behind the
// promise that nothing half-written is ever left at a target path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>

#include <payload/core/error.h>

namespace payload::io {

// Owns one file descriptor; closes it on destruction.
class UniqueFd final {
public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  [[nodiscard]] int get() const noexcept { return m_fd; }
  [[nodiscard]] bool valid() const noexcept { return m_fd >= 0; }
  int release() noexcept;
  void reset() noexcept;

private:
  int m_fd = -1;
};

// Reports progress of a long operation: bytes done so far and the total (0 when unknown).
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

// The input of a streaming operation: a readable descriptor the caller keeps open, plus
// the path when it is a regular file (engines may then read the file themselves).
struct Input {
  int fd = -1;
  std::filesystem::path path;  // empty for pipes and stdin
  std::uint64_t size = 0;      // 0 when unknown
};

// The output of a streaming operation: a writable descriptor, plus the path of the
// (temporary) regular file behind it when there is one.
struct Output {
  int fd = -1;
  std::filesystem::path path;  // empty for pipes and stdout
};

// An input file opened for reading. Errors name the file: "FILE: No such file or directory".
class InputFile final {
public:
  static Result<InputFile> open(const std::filesystem::path& path);
  // Standard input, not closed on destruction.
  static InputFile standard_input();

  [[nodiscard]] Input input() const { return m_input; }

private:
  InputFile(UniqueFd fd, Input input) : m_fd(std::move(fd)), m_input(std::move(input)) {}
  UniqueFd m_fd;
  Input m_input;
};

// Writes a file atomically: the bytes go to a mode-0600 temporary file created with
// O_EXCL beside the target; finish() fsyncs it, renames it over the target and fsyncs the
// directory. Destroyed without finish(), it removes the temporary: the target never holds
// a partial result.
class AtomicFile final {
public:
  // `overwrite` false refuses an existing target at create() and again at finish().
  static Result<AtomicFile> create(const std::filesystem::path& target, bool overwrite);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  [[nodiscard]] Output output() const { return Output{m_fd.get(), m_temp}; }
  [[nodiscard]] const std::filesystem::path& target() const noexcept { return m_target; }
  Status write(std::span<const char> bytes);
  // Durably publishes the content at the target path.
  Status finish();

private:
  AtomicFile(std::filesystem::path target, std::filesystem::path temp, UniqueFd fd, bool overwrite);
  std::filesystem::path m_target;
  std::filesystem::path m_temp;
  UniqueFd m_fd;
  bool m_overwrite = false;
  bool m_done = false;
};

// An anonymous temporary file (removed on close) used to hold data that must not be
// released before an operation has fully succeeded, e.g. plaintext bound for stdout.
class SpoolFile final {
public:
  static Result<SpoolFile> create();
  [[nodiscard]] Output output() const { return Output{m_fd.get(), {}}; }
  // Copies the whole spool to `fd` (from offset 0).
  Status copy_to(int fd) const;
  [[nodiscard]] Result<std::string> read_all() const;

private:
  explicit SpoolFile(UniqueFd fd) : m_fd(std::move(fd)) {}
  UniqueFd m_fd;
};

// Writes all bytes to a descriptor, retrying short writes and EINTR.
Status write_all(int fd, std::span<const char> bytes);
// Reads a descriptor to its end into memory (small inputs only: keys, signatures, passphrases).
// The whole content. For a regular file the string is allocated once, with `spare` bytes
// of room beyond the content (for callers that add headers around it in place).
Result<std::string> read_all(int fd, std::size_t spare = 0);
Result<std::string> read_file(const std::filesystem::path& path, std::size_t spare = 0);

// A message from errno naming `what` ("FILE: Permission denied").
Error errno_error(const std::string& what, int saved_errno);

}  // namespace payload::io
