// payload::io write-behind: a follower thread that starts writeback chunk by chunk.
#include <payload/io/write_behind.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace payload::io {

struct WriteBehind::Follower {
  int fd = -1;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;

  // How often the file size is looked at: at gpg's 150-600 MiB/s a chunk is written
  // every 15-50 ms.
  static constexpr auto kPoll = std::chrono::milliseconds(10);

  void run() {
    std::uint64_t started = 0;  // writeback started for [0, started)
    std::unique_lock lock(mutex);
    while (!wake.wait_for(lock, kPoll, [this] { return stopping; })) {
      lock.unlock();
      struct stat st {};
      if (::fstat(fd, &st) == 0) {
        // Only starts the writeback (no waiting, no dropping of pages): waiting for older
        // ranges and POSIX_FADV_DONTNEED were measured slower (docs/benchmarks.md).
        while (static_cast<std::uint64_t>(st.st_size) >= started + kChunk) {
          ::sync_file_range(fd, static_cast<off_t>(started), static_cast<off_t>(kChunk), SYNC_FILE_RANGE_WRITE);
          started += kChunk;
        }
      }
      lock.lock();
    }
  }
};

WriteBehind::WriteBehind(int fd) : m_follower(std::make_unique<Follower>()) {
  m_follower->fd = fd;
  m_follower->thread = std::thread([f = m_follower.get()] { f->run(); });
}

WriteBehind::WriteBehind(WriteBehind&&) noexcept = default;

WriteBehind& WriteBehind::operator=(WriteBehind&& other) noexcept {
  if (this != &other) {
    stop();
    m_follower = std::move(other.m_follower);
  }
  return *this;
}

WriteBehind::~WriteBehind() { stop(); }

void WriteBehind::stop() noexcept {
  if (!m_follower) return;
  {
    std::lock_guard lock(m_follower->mutex);
    m_follower->stopping = true;
  }
  m_follower->wake.notify_all();
  if (m_follower->thread.joinable()) m_follower->thread.join();
  m_follower.reset();
}

}  // namespace payload::io
