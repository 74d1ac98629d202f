// as2d refusal log (as2d/refusal_log.h): the first refusal of an address at once, the rest
// counted into one line per interval, quiet addresses forgotten, and a bounded number of
// addresses followed (the rest under "*").
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "refusal_log.h"
#include "support/temp_dir.h"

using as2d::Event;
using as2d::RefusalLog;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> lines_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has(const std::string& line, const std::string& part) { return line.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("refusal log: one line at once, then one line per interval with the count") {
  payload::test::TempDir dir;
  const auto file = dir / "audit.log";
  auto audit = as2d::AuditLog::open(file);
  REQUIRE(audit);
  RefusalLog log(**audit, 10s, 3);
  const RefusalLog::Clock::time_point t0{};

  log.record(Event::address_limit_reached, "192.0.2.1", 8, t0);
  for (int i = 0; i < 5; ++i) log.record(Event::address_limit_reached, "192.0.2.1", 8, t0 + 1s);
  log.flush(t0 + 9s);
  auto lines = lines_of(file);
  REQUIRE(lines.size() == 1);
  CHECK(has(lines[0], "\"event\":1006,\"name\":\"address_limit_reached\",\"address\":\"192.0.2.1\",\"refused\":1,\"limit\":8"));

  log.flush(t0 + 10s);
  lines = lines_of(file);
  REQUIRE(lines.size() == 2);
  CHECK(has(lines[1], "\"address\":\"192.0.2.1\",\"refused\":5"));
  // Quiet for an interval: forgotten, so the next refusal is logged at once again.
  log.flush(t0 + 20s);
  log.record(Event::address_limit_reached, "192.0.2.1", 8, t0 + 21s);
  lines = lines_of(file);
  REQUIRE(lines.size() == 3);
  CHECK(has(lines[2], "\"refused\":1"));

  // Past three addresses, the others are counted together under "*".
  log.record(Event::idle_limit_reached, "192.0.2.2", 100, t0 + 21s);
  log.record(Event::idle_limit_reached, "192.0.2.3", 100, t0 + 21s);
  log.record(Event::idle_limit_reached, "192.0.2.4", 100, t0 + 21s);
  log.record(Event::idle_limit_reached, "192.0.2.5", 100, t0 + 21s);
  log.record(Event::idle_limit_reached, "192.0.2.6", 100, t0 + 21s);
  lines = lines_of(file);
  REQUIRE(lines.size() == 6);
  CHECK(has(lines[5], "\"name\":\"idle_limit_reached\",\"address\":\"*\",\"refused\":1,\"limit\":100"));
  // What is pending when the gate stops is logged then.
  log.flush_all();
  lines = lines_of(file);
  REQUIRE(lines.size() == 7);
  CHECK(has(lines[6], "\"address\":\"*\",\"refused\":2"));
}
