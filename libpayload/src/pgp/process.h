// Runs a helper program (gpgconf) without a shell and collects its standard output.
#pragma once

#include <string>
#include <vector>

#include <payload/core/error.h>

namespace payload::pgp::detail {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
};

// Runs argv[0] (looked up in PATH) with stdin and stderr on /dev/null, in its own process
// group. Past `timeout_ms` the whole group is killed and Errc::canceled comes back: gpgconf's
// gpg-connect-agent has been seen to deadlock with a freshly started agent.
Result<ProcessResult> run_process(const std::vector<std::string>& argv, int timeout_ms = 30000);

}  // namespace payload::pgp::detail
