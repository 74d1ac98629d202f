#include "memory_input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace payload::fuzz {

MemoryInput::MemoryInput(std::string_view bytes) {
  const int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
  if (fd < 0 || !io::write_all(fd, bytes) || lseek(fd, 0, SEEK_SET) != 0) {
    std::perror("fuzz: memfd");
    std::abort();
  }
  m_input = io::Input{fd, {}, bytes.size()};
}

MemoryInput::~MemoryInput() { ::close(m_input.fd); }

io::Output discarding_output() {
  static const int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    std::perror("fuzz: /dev/null");
    std::abort();
  }
  return io::Output{fd, {}};
}

}  // namespace payload::fuzz
