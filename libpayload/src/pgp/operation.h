// What every streaming operation shares: the shim with the algorithm options, the data
// objects for input and output (or the files gpg reads and writes itself), the context.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <payload/io/file.h>
#include <payload/io/write_behind.h>
#include <payload/pgp/keyring.h>

#include "context.h"
#include "engine_shim.h"

namespace payload::pgp::detail {

struct OperationSetup {
  std::vector<std::string> gpg_options;
  bool direct_files = false;  // let gpg read in.path and write out.path itself
  ContextOptions context;
};

// A prepared operation: everything that must live until the GPGME call returns.
struct Operation {
  std::optional<EngineShim> shim;
  std::optional<Context> ctx;
  Data in;
  Data out;
  // Starts the writeback of a regular output file while it is written; declared last so
  // that it stops first, as soon as the operation ends.
  std::optional<io::WriteBehind> write_behind;
};

// Builds the shim, the context and the data objects for `in` -> `out`. Files are handed
// to gpg directly when both sides are regular files and setup.direct_files is set.
Result<Operation> prepare(Keyring& keyring, OperationSetup setup, const io::Input& in, const io::Output& out);

// A prepared detached verification. GPGME pumps the signed text to gpg 4 KiB at a time
// (half of gpg's own speed on large files); when the text is a named file the shim hands
// gpg its name instead, and GPGME's side of it is empty.
struct DetachedVerification {
  std::optional<EngineShim> shim;
  std::optional<Context> ctx;
  Data signature;
  Data signed_text;
};

Result<DetachedVerification> prepare_detached_verification(Keyring& keyring, const io::Input& signed_text,
                                                           const io::Input& signature);

// Looks up keys by selector for signing or encryption with a key listing on `ctx` itself
// (no second context, so no extra engine start); errors name the selector.
Result<std::vector<Key>> lookup_keys(gpgme_ctx_t ctx, const std::vector<std::string>& selectors, bool secret);

}  // namespace payload::pgp::detail
