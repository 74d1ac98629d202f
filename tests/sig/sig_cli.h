// What the sig command-line tests share: running `payload`, the exit codes of
// docs/exit-codes.md, and the openssl-made keys they sign with.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "cms/cms_fixture.h"
#include "sig/sig_pki.h"
#include "support/run.h"
#include "support/temp_dir.h"

namespace payload::test {

constexpr int kUsage = 2, kBadData = 3, kBadSignature = 4, kNoKey = 5, kKeyUnusable = 6, kIo = 8, kUnsupported = 9;

inline RunResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), payload_cli());
  return run(args);
}

inline bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }
inline int lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

inline std::string crt(const std::string& name) { return Pki::get().crt(name).string(); }
inline std::string key(const std::string& name) { return Pki::get().key(name).string(); }

// The public half of a key, as `openssl pkey -pubout` writes it, in `dir`.
inline std::string public_key(const TempDir& dir, const std::string& name) {
  const auto path = dir / (name + ".pub");
  openssl({"pkey", "-in", key(name), "-pubout", "-out", path.string()});
  return path.string();
}

}  // namespace payload::test
