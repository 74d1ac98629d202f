// `payload hook run` under stress: two hooks on one file, a hook killed with SIGKILL
// between steps and in the middle of a large encryption, and a hook run twice.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "hook/hook_fixture.h"
#include "support/run.h"
#include "support/temp_dir.h"

using namespace payload::test;

namespace {

const std::string kContent = "UNH+1+ORDERS:D:96A:UN'\nBGM+220+7'\nUNT+3+1'\n";

// The run step waits (its pid in a file) until the test lets it go by creating "release".
const std::string kPolicies = R"(
[slow]
steps = encrypt, run, move
keyring = @KEYRING@
quarantine = @DIR@/quarantine
encrypt.recipients = @PARTNER@
run.command = sh -c "test -e @DIR@/release && exit 0; echo $$ > @DIR@/sleeper.pid; exec sleep 60"
move.to = @DIR@/out

[encrypt]
steps = encrypt, move
keyring = @KEYRING@
quarantine = @DIR@/quarantine
encrypt.recipients = @PARTNER@
move.to = @DIR@/out

[encrypt-here]
steps = encrypt
keyring = @KEYRING@
quarantine = @DIR@/quarantine
encrypt.recipients = @PARTNER@
)";

struct Station : HookStation {
  Station() { policies(kPolicies); }
  ~Station() { kill_pid_file(partners.dir / "sleeper.pid"); }
};

// Names in the upload folder other than hidden bookkeeping (journal, lock).
std::vector<std::string> visible(const std::filesystem::path& dir) {
  std::vector<std::string> v;
  for (const auto& n : HookStation::names(dir))
    if (n[0] != '.') v.push_back(n);
  return v;
}

}  // namespace

TEST_CASE("hook two hooks on the same file at once: one does the work, the other is told the file is busy") {
  Station s;
  const auto file = s.upload("order.edi", kContent);
  Background first(s.hook_argv("slow", {file.string()}));
  REQUIRE(wait_for_file(s.partners.dir / "sleeper.pid"));
  const auto second = s.hook("slow", {file.string()});
  CHECK(second.exit_code == kHookBusy);
  CHECK(contains(second.out, "busy "));
  CHECK(contains(second.out, "another hook is working on this file"));
  write_file(s.partners.dir / "release", "");
  kill_pid_file(s.partners.dir / "sleeper.pid");  // the first hook's command ends (by signal: a failure)
  CHECK(first.wait() == kHookQuarantined);
  // Nothing lost: the encrypted file is in quarantine, readable by the partner.
  CHECK(s.partner_decrypts(s.quarantine / "order.edi.pgp") == kContent);
  CHECK(contains(s.audit(), "\"event\":4002"));
}

TEST_CASE("hook killed with SIGKILL between steps: the finished result is there, the rerun completes without encrypting twice") {
  Station s;
  const auto file = s.upload("order.edi", kContent);
  Background hook(s.hook_argv("slow", {file.string()}));
  REQUIRE(wait_for_file(s.partners.dir / "sleeper.pid"));
  hook.kill9();
  kill_pid_file(s.partners.dir / "sleeper.pid");
  // The encrypt step finished before the kill: the result is complete, the original gone.
  CHECK(visible(s.in) == std::vector<std::string>{"order.edi.pgp"});
  CHECK(s.partner_decrypts(s.in / "order.edi.pgp") == kContent);
  CHECK(std::filesystem::exists(s.in / ".order.edi.payload-hook"));

  write_file(s.partners.dir / "release", "");
  auto argv = s.hook_argv("slow", {file.string()});
  argv.push_back("--json");
  const auto rerun = run(argv);
  REQUIRE(rerun.exit_code == kHookOk);
  CHECK(contains(rerun.out, "\"resumed\":true"));
  CHECK(HookStation::names(s.in).empty());
  CHECK(HookStation::names(s.out) == std::vector<std::string>{"order.edi.pgp"});
  CHECK(s.partner_decrypts(s.out / "order.edi.pgp") == kContent);  // encrypted once
  CHECK(contains(s.audit(), "\"event\":4001"));
}

TEST_CASE("hook killed with SIGKILL at random moments of a large encryption: the original or the complete result, never a mix") {
  Station s;
  const auto content = pseudo_random_bytes(24 * 1024 * 1024, 7);
  std::mt19937 random(42);
  for (int round = 0; round < 6; ++round) {
    const auto file = s.upload("big.bin", content);
    Background hook(s.hook_argv("encrypt", {file.string()}));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 1500)(random)));
    hook.kill9();
    // Only whole files under real names: the original intact, or the finished ciphertext.
    const auto in = visible(s.in);
    for (const auto& name : in) {
      INFO(name);
      const bool whole_or_temporary = name == "big.bin" || name == "big.bin.pgp" || name.find(".part-") != std::string::npos;
      CHECK(whole_or_temporary);
    }
    if (std::filesystem::exists(file)) CHECK(read_file(file) == content);
    const bool something = std::filesystem::exists(file) || std::filesystem::exists(s.in / "big.bin.pgp") ||
                           std::filesystem::exists(s.out / "big.bin.pgp");
    REQUIRE(something);
    // The rerun finishes the job.
    const auto rerun = s.hook("encrypt", {file.string()});
    const bool done_before = !std::filesystem::exists(file) && !std::filesystem::exists(s.in / ".big.bin.payload-hook");
    if (!done_before) REQUIRE(rerun.exit_code == kHookOk);
    REQUIRE(std::filesystem::exists(s.out / "big.bin.pgp"));
    CHECK(s.partner_decrypts(s.out / "big.bin.pgp") == content);
    CHECK(visible(s.in).empty());  // a dead temporary of the killed step is removed by the rerun
    std::filesystem::remove_all(s.out);
    for (const auto& name : HookStation::names(s.in)) std::filesystem::remove(s.in / name);
  }
}

TEST_CASE("hook run twice on the same file does not encrypt twice") {
  Station s;
  const auto file = s.upload("order.edi", kContent);
  REQUIRE(s.hook("encrypt-here", {file.string()}).exit_code == kHookOk);
  const auto once = read_file(s.in / "order.edi.pgp");
  // The server calls again, on the result: it is an OpenPGP message already.
  const auto again = s.hook("encrypt-here", {(s.in / "order.edi.pgp").string()});
  REQUIRE(again.exit_code == kHookOk);
  CHECK(visible(s.in) == std::vector<std::string>{"order.edi.pgp"});
  CHECK(read_file(s.in / "order.edi.pgp") == once);
  CHECK(contains(s.audit(), "\"event\":4015"));
  // And on the original name, now gone: bad input, nothing made.
  CHECK(s.hook("encrypt-here", {file.string()}).exit_code == kHookBadInput);
  CHECK(visible(s.in) == std::vector<std::string>{"order.edi.pgp"});
}

TEST_CASE("hook two uploads of the same name delivered at the same moment: both arrive, neither is replaced") {
  Station s;
  s.policies(kPolicies + "\n[deliver]\nsteps = move\nquarantine = @DIR@/quarantine\nmove.to = @DIR@/out\n");
  std::vector<std::unique_ptr<Background>> hooks;
  for (int i = 0; i < 6; ++i) {
    const auto dir = s.partners.dir / ("user" + std::to_string(i));
    std::filesystem::create_directories(dir);
    write_file(dir / "order.edi", kContent + std::to_string(i));
    hooks.push_back(std::make_unique<Background>(s.hook_argv("deliver", {(dir / "order.edi").string()})));
  }
  for (auto& h : hooks) CHECK(h->wait() == kHookOk);
  const auto delivered = HookStation::names(s.out);
  REQUIRE(delivered.size() == 6);
  std::set<std::string> contents;
  for (const auto& name : delivered) contents.insert(read_file(s.out / name));
  CHECK(contents.size() == 6);
}
