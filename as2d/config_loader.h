// as2d configuration loader: one INI file (Poco::Util::IniFileConfiguration) into the
// plain structs of config.h. The only place that sees a POCO configuration object.
//
// Every key is checked: unknown sections and keys are errors (a typo must not silently
// fall back to a default), relative paths are relative to the file's directory, secrets
// come from files or the environment. docs/as2d.md documents each key.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <payload/core/error.h>

#include "config.h"

namespace as2d {

// Reads the environment (tests pass their own).
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
[[nodiscard]] Environment process_environment();

// Errors (Errc::usage or Errc::io): one line naming the file, the section and key, and
// what is wrong: "as2d.ini: [partner.acme] allowed_digests: \"sha-999\" is not a digest ...".
[[nodiscard]] payload::Result<Config> load_config(const std::filesystem::path& file,
                                                  const Environment& environment = process_environment());

}  // namespace as2d
