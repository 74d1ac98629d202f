#include "scratch_file.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace payload::fuzz {

ScratchFile::ScratchFile(const std::string& name) {
  std::string pattern = (std::filesystem::temp_directory_path() / "payload-fuzz-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::perror("fuzz: mkdtemp");
    std::abort();
  }
  m_file = std::filesystem::path(pattern) / name;
}

ScratchFile::~ScratchFile() {
  std::error_code ignored;
  std::filesystem::remove_all(dir(), ignored);
}

void ScratchFile::write(std::string_view bytes) const {
  std::ofstream out(m_file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::perror("fuzz: writing the scratch file");
    std::abort();
  }
}

}  // namespace payload::fuzz
