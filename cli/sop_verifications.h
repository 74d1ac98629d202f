// `payload sop` VERIFICATIONS: which signatures count (good, by one of the given
// certificates, made inside the --not-before/--not-after window) and the line printed for
// each: "WHEN SIGNING-KEY-FPR PRIMARY-KEY-FPR mode:binary|text {"signers":[CERTS...]}".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <payload/pgp/stateless.h>

#include "sop_args.h"
#include "sop_inputs.h"

namespace payload::cli::sop {

struct TimeWindow {
  std::int64_t not_before = 0;  // seconds since the epoch, inclusive
  std::int64_t not_after = 0;
};

// DATE arguments: ISO 8601 ("2024-01-31T12:00:00Z", "20240131T120000Z", "2024-01-31",
// offsets "+01:00"), "now", or "-" (the beginning of time for --not-before, the end of
// time for --not-after). Defaults: "-" and "now". Error 1 for anything else.
Outcome<TimeWindow> time_window(const std::optional<std::string>& not_before, const std::optional<std::string>& not_after);
Outcome<std::int64_t> parse_date(const std::string& text, bool end_of_time);

// The VERIFICATIONS lines, one per acceptable signature; empty when there is none.
std::string verification_lines(const std::vector<pgp::TypedSignature>& signatures, const std::vector<Imported>& certs,
                               const TimeWindow& window);

}  // namespace payload::cli::sop
