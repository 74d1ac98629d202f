// The engine shim: a one-operation wrapper script GPGME runs instead of gpg.
//
// GPGME 1.18 has no per-operation cipher, digest or compression parameter, and it pumps
// every byte through its own 4 KiB event loop, which halves gpg's throughput on large
// files (gpgme-notes 1.1, 2.5). The shim fixes both: it runs the real gpg with our
// algorithm options in front of GPGME's arguments and, for file-to-file operations,
// replaces GPGME's data descriptors with the file names, so gpg reads and writes the
// files itself (what GPGME 1.24 offers as GPGME_ENCRYPT_FILE). Status, passphrases and
// results still travel through GPGME as usual.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <payload/core/error.h>

namespace payload::pgp::detail {

// File names must be absolute (io::InputFile and io::AtomicFile make them so): gpg runs
// with --enable-special-filenames, where a relative "-&3" or "-" would be a descriptor.
struct ShimOptions {
  std::vector<std::string> gpg_options;  // placed before GPGME's arguments
  std::filesystem::path input_file;      // replaces the data argument after "--"; empty: keep
  std::filesystem::path output_file;     // replaces "--output -"; empty: keep
  // Detached verification ("--verify -- SIG TEXT"): replaces the second data descriptor
  // after "--", the signed text, so gpg reads the file itself; the signature (small) stays
  // GPGME's. Not combined with input_file.
  std::filesystem::path signed_text_file;
};

class EngineShim final {
public:
  static Result<EngineShim> create(const ShimOptions& options);
  EngineShim(EngineShim&& other) noexcept;
  EngineShim& operator=(EngineShim&&) = delete;
  ~EngineShim();

  [[nodiscard]] const std::filesystem::path& program() const noexcept { return m_program; }

private:
  EngineShim(std::filesystem::path dir, std::filesystem::path program) : m_dir(std::move(dir)), m_program(std::move(program)) {}
  std::filesystem::path m_dir;
  std::filesystem::path m_program;
};

}  // namespace payload::pgp::detail
