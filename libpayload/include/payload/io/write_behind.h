// payload::io write-behind: starts the writeback of a file while it is still being
// written (by this process or by a child such as gpg), so that the fsync which publishes
// it finds little left to flush. It only starts writeback early; durability still comes
// from AtomicFile::finish()'s fsync.
#pragma once

#include <cstdint>
#include <memory>

namespace payload::io {

class WriteBehind final {
public:
  // Follows the descriptor `fd` (a regular file, open until stop()) in a thread: every
  // time the file has grown by kChunk, writeback of that range is started
  // (sync_file_range SYNC_FILE_RANGE_WRITE, which does not wait). Errors are ignored:
  // the final fsync reports them.
  explicit WriteBehind(int fd);
  WriteBehind(WriteBehind&&) noexcept;
  WriteBehind& operator=(WriteBehind&&) noexcept;
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;
  ~WriteBehind();

  // Ends the thread (idempotent). The file's tail is left to the caller's fsync.
  void stop() noexcept;

  static constexpr std::uint64_t kChunk = 8u << 20;

private:
  struct Follower;
  std::unique_ptr<Follower> m_follower;
};

}  // namespace payload::io
