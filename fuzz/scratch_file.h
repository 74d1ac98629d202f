// A file in a private temporary directory that each fuzz input is written to, for the
// parsers that read a file (as2d's configuration, hook policies) and resolve relative
// paths against its directory. The directory goes when the object does (at exit for a
// function-local static).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace payload::fuzz {

class ScratchFile final {
public:
  explicit ScratchFile(const std::string& name);
  ~ScratchFile();
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  // Replaces the file's content; aborts when it cannot (the run would test nothing).
  void write(std::string_view bytes) const;
  [[nodiscard]] const std::filesystem::path& path() const { return m_file; }
  [[nodiscard]] std::filesystem::path dir() const { return m_file.parent_path(); }

private:
  std::filesystem::path m_file;
};

}  // namespace payload::fuzz
