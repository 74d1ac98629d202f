// as2d --check-config: what the daemon would serve, in a few human-readable lines.
#pragma once

#include <string>

#include "config.h"
#include "partners.h"
#include "station_keys.h"
#include "tls.h"

namespace as2d {

// `tls` when HTTPS is on.
[[nodiscard]] std::string describe(const Config& config, const StationKeys& keys, const PartnerTable& partners,
                                   const TlsContext* tls);

}  // namespace as2d
