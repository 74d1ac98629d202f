// as2d timestamps: RFC 3339 UTC with milliseconds, as written to the audit log and the store.
#pragma once

#include <chrono>
#include <string>

namespace as2d {

// "2026-11-22T00:23:34.120Z"
[[nodiscard]] std::string rfc3339_utc(std::chrono::system_clock::time_point at);
[[nodiscard]] inline std::string utc_now() { return rfc3339_utc(std::chrono::system_clock::now()); }

}  // namespace as2d
