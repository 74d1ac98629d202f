#include "fuzz_keys.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace payload::fuzz {
namespace {

cms::Identity load_identity(const std::filesystem::path& dir, const char* name) {
  auto certificate = cms::Certificate::load(dir / (std::string(name) + ".crt"));
  auto key = cms::PrivateKey::load(dir / (std::string(name) + ".key"));
  if (!certificate || !key) {
    std::fprintf(stderr, "fuzz: cannot load the interop key %s from %s: %s\n", name, dir.c_str(),
                 (certificate ? key.error() : certificate.error()).message().c_str());
    std::exit(2);
  }
  return cms::Identity{*certificate, *key};
}

}  // namespace

std::filesystem::path interop_keys_dir() { return PAYLOAD_FUZZ_KEYS_DIR; }

const InteropKeys& interop_keys() {
  static const InteropKeys keys = [] {
    const std::filesystem::path dir = interop_keys_dir();
    return InteropKeys{load_identity(dir, "a"), load_identity(dir, "b")};
  }();
  return keys;
}

}  // namespace payload::fuzz
