// A throwaway directory per test, removed with everything in it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace payload::test {

class TempDir final {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
  [[nodiscard]] std::filesystem::path operator/(std::string_view name) const { return m_path / name; }

private:
  std::filesystem::path m_path;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view bytes);
// Deterministic pseudo-random bytes (not for cryptography).
std::string pseudo_random_bytes(size_t size, unsigned seed = 1);

}  // namespace payload::test
