// payload::as2 Date: the RFC 5322 3.3 date-time an AS2 message carries in its Date
// header ("Sun, 22 Nov 2026 00:23:34 +0000").
#pragma once

#include <chrono>
#include <string>

namespace payload::as2 {

// Always UTC ("+0000"), English day and month names regardless of the locale.
[[nodiscard]] std::string format_date(std::chrono::system_clock::time_point when);

}  // namespace payload::as2
