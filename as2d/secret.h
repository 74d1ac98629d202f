// as2d's secrets (key passphrases, passwords read from files or the environment) are
// libpayload's wiping holder: see payload/core/secret.h.
#pragma once

#include "payload/core/secret.h"

namespace as2d {

using payload::Secret;
using payload::wipe;

}  // namespace as2d
