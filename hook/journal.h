// payload hook journal and lock: what makes a hook safe to kill and to run twice.
//
// While a file is being worked on, a hidden journal ".NAME.payload-hook" beside it says
// which steps are done, which file the next step works on, and which output name that
// step has claimed. Every step publishes its output with temp + fsync + rename + fsync
// of the directory *before* the journal moves on, and the file it replaces is removed only
// *after* the journal moved on. A run killed at any point therefore leaves the original
// or a finished result (never a partial one under a real name), and the next run reads
// the journal and finishes the job from where it stopped, without doing a step twice.
//
// A lock file ".NAME.payload-hook.lock" (flock, non-blocking) makes one hook the owner of
// a file; a second one at the same time is told the file is busy.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <payload/core/error.h>
#include <payload/io/file.h>

namespace payload::hook {

struct Journal {
  std::string policy;
  std::string hook_event;
  std::string run_id;
  std::size_t next_step = 0;       // the steps before it are done
  std::filesystem::path current;   // the file the next step works on
  std::filesystem::path pending;   // the output name the next step has claimed (may exist: finished before a crash)
  std::filesystem::path superseded;  // the file the last step replaced, removed after the journal was written
  std::vector<std::filesystem::path> companions;  // detached signatures that travel with the file
  std::string failure;             // set once a step failed: "step: message"; only quarantine is left
  std::string failure_code;        // the Errc name of the failure
};

// The journal and lock names for `file`.
[[nodiscard]] std::filesystem::path journal_path(const std::filesystem::path& file);
[[nodiscard]] std::filesystem::path lock_path(const std::filesystem::path& file);

// Errors: io (unreadable), bad_data (not a journal).
Result<std::optional<Journal>> read_journal(const std::filesystem::path& file);
// Replaces the journal atomically (temp, fsync, rename).
Status write_journal(const std::filesystem::path& file, const Journal& journal);
// Removes the journal (the run is complete).
Status remove_journal(const std::filesystem::path& file);

// Owns the lock of one file; releasing removes the lock file.
class FileLock final {
public:
  // nullopt: another process holds it. Errors: io (the folder is not writable).
  static Result<std::optional<FileLock>> try_lock(const std::filesystem::path& file);
  FileLock(FileLock&&) noexcept = default;
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

private:
  FileLock(std::filesystem::path path, io::UniqueFd fd) : m_path(std::move(path)), m_fd(std::move(fd)) {}
  std::filesystem::path m_path;
  io::UniqueFd m_fd;
};

}  // namespace payload::hook
