// Fuzz target: as2d's INI configuration (as2d/config_loader.cpp, config_values.cpp):
// POCO's INI reader, then every section and key checked and converted. The input is
// written to a file in a private temporary directory, since load_config reads a file and
// resolves relative paths against its directory; every environment variable it asks for
// is set (to a password hash when its name has HASH in it), so the *_env secrets are read too. keys/ beside the file holds the interop test
// keys (a.key, a.crt, b.key, b.crt), so configurations naming them get past the key checks.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config_loader.h"
#include "fuzz_keys.h"

namespace {

const std::filesystem::path& config_file() {
  static const std::filesystem::path file = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "payload-fuzz-config-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("fuzz: mkdtemp");
      std::abort();
    }
    const std::filesystem::path dir = pattern;
    std::filesystem::copy(payload::fuzz::interop_keys_dir(), dir / "keys");
    return dir / "as2d.ini";
  }();
  return file;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)config_file();
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(config_file().parent_path(), ignored);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(config_file(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();
  }
  (void)as2d::load_config(config_file(), [](const std::string& name) -> std::optional<std::string> {
    // A password hash where the name asks for one (the seeds' *_HASH variables), else a password.
    if (name.find("HASH") != std::string::npos) return "$pbkdf2-sha256$600000$LhZly3x7I5KxJLdISDpVMg$6C/e1wYgJyFOk6wb9LtjPPNd1KitYAYnU26EWNKMui0";
    return "fuzz-secret";
  });
  return 0;
}
