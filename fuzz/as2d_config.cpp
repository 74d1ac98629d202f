// Fuzz target: as2d's INI configuration (as2d/config_loader.cpp, config_values.cpp):
// POCO's INI reader, then every section and key checked and converted. load_config reads
// a file and resolves relative paths against its directory, so each input is written to a
// scratch file; keys/ beside it holds the interop test keys (a.key, a.crt, b.key, b.crt),
// so configurations naming them get past the key checks. Every environment variable it
// asks for is set (to a password hash when its name has HASH in it), so the *_env secrets
// are read too.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config_loader.h"
#include "fuzz_keys.h"
#include "scratch_file.h"

namespace {

const payload::fuzz::ScratchFile& config_file() {
  static const payload::fuzz::ScratchFile file("as2d.ini");
  return file;
}

std::optional<std::string> environment(const std::string& name) {
  if (name.find("HASH") != std::string::npos)
    return "$pbkdf2-sha256$600000$LhZly3x7I5KxJLdISDpVMg$6C/e1wYgJyFOk6wb9LtjPPNd1KitYAYnU26EWNKMui0";
  return "fuzz-secret";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // File by file: a copied directory would keep the read-only mode of ../shared in CI,
  // and the scratch directory could not be removed by a user other than root.
  const auto keys = config_file().dir() / "keys";
  std::filesystem::create_directory(keys);
  for (const auto& entry : std::filesystem::directory_iterator(payload::fuzz::interop_keys_dir()))
    std::filesystem::copy_file(entry.path(), keys / entry.path().filename());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  config_file().write(std::string_view(reinterpret_cast<const char*>(data), size));
  (void)as2d::load_config(config_file().path(), environment);
  return 0;
}
