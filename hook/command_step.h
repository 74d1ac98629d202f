// payload hook "run" step: a further command, started without a shell, with what the
// hook did in its environment (docs/hooks.md, "The run step").
#pragma once

#include <map>
#include <string>

#include <payload/core/error.h>

#include "audit_trail.h"
#include "policy.h"

namespace payload::hook {

// Runs step.argv (PATH is searched for argv[0]) with `environment` added to ours, stdin
// from /dev/null and its stdout to our stderr (our stdout carries the result lines). A
// command still running after step.timeout_seconds is killed. Errors: canceled (timeout),
// io (could not start), bad_data (exit status other than 0, or a signal).
Result<AuditFields> run_command(const RunStep& step, const std::map<std::string, std::string>& environment);

}  // namespace payload::hook
