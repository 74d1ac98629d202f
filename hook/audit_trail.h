// payload hook audit trail: one line per event, with a stable numeric id (4000-4999,
// docs/events.md "Hooks"), in text or JSON lines, to stderr, a file (O_APPEND, one
// write(2) per line, so concurrent hooks never interleave within a line) or syslog(3).
//
// Every line carries time, event, name, run_id, policy, hook_event, file, size, sha256
// and outcome; some events add fields of their own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <payload/core/error.h>

namespace payload::hook {

enum class AuditEvent : int {
  hook_started = 4000,     // a file is taken in hand (locked), before any step
  hook_resumed = 4001,     // an earlier run was interrupted: its journal is picked up
  hook_busy = 4002,        // another hook holds the file: nothing done
  input_missing = 4003,    // no such file, or it cannot be read: nothing done
  encrypted = 4010,
  decrypted = 4011,
  signature_verified = 4012,
  moved = 4013,
  command_ran = 4014,
  step_skipped = 4015,     // encrypt on input that is already an encrypted message
  step_failed = 4020,
  quarantined = 4021,      // the file is in the quarantine folder with its .reason file
  hook_finished = 4030,    // the file's final outcome and the exit code it contributes
  policy_refused = 4040,   // the policy could not be loaded or does not take this event
};
[[nodiscard]] std::string_view audit_event_name(AuditEvent event) noexcept;

enum class AuditFormat { text, json };

// What every line of one file's run shares.
struct AuditContext {
  std::string run_id;
  std::string policy;
  std::string hook_event;
};

// The per-line facts of the file the event is about.
struct FileFacts {
  std::string file;
  std::uint64_t size = 0;
  std::string sha256;  // empty when the file is not readable (or gone)
};

using AuditFields = std::vector<std::pair<std::string, std::string>>;

class AuditTrail final {
public:
  // `target`: "stderr", "syslog", or a file path (created 0640, appended to).
  static Result<std::unique_ptr<AuditTrail>> open(const std::string& target, AuditFormat format);
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  void emit(AuditEvent event, const AuditContext& context, const FileFacts& file, std::string_view outcome,
            const AuditFields& extra = {}) noexcept;

private:
  AuditTrail(int fd, bool owned, bool syslog, AuditFormat format)
      : m_fd(fd), m_owned(owned), m_syslog(syslog), m_format(format) {}
  int m_fd;
  bool m_owned;
  bool m_syslog;
  AuditFormat m_format;
};

}  // namespace payload::hook
