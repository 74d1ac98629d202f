// payload hook runner: applies a policy's steps to one file, atomically and resumably
// (journal.h), and answers with an outcome and an exit code the calling file-transfer
// server can act on (docs/hooks.md, "Exit codes").
#pragma once

#include <filesystem>
#include <string>

#include "audit_trail.h"
#include "crypto_steps.h"
#include "policy.h"

namespace payload::hook {

// Stable: documented in docs/hooks.md; servers act on them.
enum HookExit : int {
  hook_ok = 0,              // every step succeeded
  hook_policy_failure = 1,  // a step failed: the file is in quarantine with a .reason file
  hook_bad_input = 2,       // no such file, not a regular file, unreadable, or vanished during the run
  hook_config_error = 3,    // the policy, its keys or its folders are wrong: the file is left as it was
  hook_internal_error = 4,  // a bug or an engine failure: the file is left as it was (or resumable)
  hook_busy = 5,            // another hook is working on the file right now: nothing done
};

struct FileOutcome {
  std::filesystem::path input;
  std::string outcome;  // "ok", "quarantined", "bad_input", "config_error", "internal_error", "busy"
  int exit_code = hook_internal_error;
  std::filesystem::path result;       // the finished file, or the quarantined one
  std::filesystem::path reason_file;  // beside a quarantined file
  std::string failed_step;            // also "quarantine" when the quarantine folder failed
  std::string error;                  // one line: what failed and why
  std::string error_code;             // the Errc name behind it
  std::string run_id;
  bool resumed = false;               // an interrupted run was finished
};

class Runner final {
public:
  Runner(const Policy& policy, HookEvent event, PolicyKeys& keys, AuditTrail& audit)
      : m_policy(policy), m_event(event), m_keys(keys), m_audit(audit) {}
  FileOutcome process(const std::filesystem::path& file);

private:
  const Policy& m_policy;
  HookEvent m_event;
  PolicyKeys& m_keys;
  AuditTrail& m_audit;
};

// A random RFC 4122 version-4 UUID ("6f1c...-...").
[[nodiscard]] std::string random_uuid();

}  // namespace payload::hook
