// Fuzz target: payload hook policy files (hook/ini.cpp, hook/policy.cpp): the INI reader
// that keeps section order and line numbers, then every policy, step and key checked,
// and the command-line splitter of run steps. load_policies reads a file and resolves
// paths against its folder, so each input is written to a scratch file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy.h"
#include "scratch_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const payload::fuzz::ScratchFile file("hooks.ini");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  file.write(text);
  (void)payload::hook::load_policies(file.path());
  (void)payload::hook::split_command(text);
  return 0;
}
