// as2d station keys: our own identities, loaded once at start. The first signs MDNs;
// all of them decrypt (the current one and, during a rollover, the next one).
#pragma once

#include <vector>

#include <payload/cms/private_key.h>
#include <payload/core/error.h>

#include "config.h"

namespace as2d {

struct StationKeys {
  std::vector<payload::cms::Identity> identities;  // current first, at least one
};

// Errors name the key: which file does not load, a wrong or missing passphrase
// (bad_passphrase), a key that is not the private half of its certificate, a current
// certificate outside its validity period.
[[nodiscard]] payload::Result<StationKeys> load_station_keys(const StationConfig& station);

}  // namespace as2d
