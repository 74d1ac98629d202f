// Fixed test identities for the fuzz targets that open CMS: the AS2 interop keys of
// ../shared/interop/as2/keys (PEER_A signs, PEER_B receives). Test-only keys, never
// secrets; loaded once per process, before the first input.
#pragma once

#include <filesystem>

#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>

namespace payload::fuzz {

struct InteropKeys {
  cms::Identity a;  // the sender of the interop messages
  cms::Identity b;  // their receiver: messages are encrypted to b, MDNs signed by b
};

// ../shared/interop/as2/keys: a.key, a.crt, b.key, b.crt (PEM).
[[nodiscard]] std::filesystem::path interop_keys_dir();

// Exits the process with one line on stderr when the keys cannot be read: a fuzz run
// without them would only ever reach the "no key" branches.
const InteropKeys& interop_keys();

}  // namespace payload::fuzz
