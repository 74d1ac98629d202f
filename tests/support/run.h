// Runs a command (argv, no shell) for tests, with optional stdin bytes and extra
// environment, and captures its exit code, stdout and stderr.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace payload::test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

RunResult run(const std::vector<std::string>& argv, const std::string& input = {},
              const std::map<std::string, std::string>& env = {});

// The payload command under test.
std::string payload_cli();

}  // namespace payload::test
