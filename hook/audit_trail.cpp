// payload hook audit trail.
#include "audit_trail.h"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <payload/io/file.h>

#include "audit.h"      // as2d::Field::quote: the JSON string escaping as2d's log uses
#include "utc_time.h"

namespace payload::hook {
namespace {

// Text lines: key=value, the value in JSON quotes when it holds a blank, a quote or a
// control character, so that every line splits unambiguously.
std::string text_value(std::string_view value) {
  const bool plain = !value.empty() && value.find_first_of(" \"=\\") == std::string_view::npos &&
                     std::all_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; });
  return plain ? std::string(value) : as2d::Field::quote(value);
}

}  // namespace

std::string_view audit_event_name(AuditEvent event) noexcept {
  switch (event) {
    case AuditEvent::hook_started: return "hook_started";
    case AuditEvent::hook_resumed: return "hook_resumed";
    case AuditEvent::hook_busy: return "hook_busy";
    case AuditEvent::input_missing: return "input_missing";
    case AuditEvent::encrypted: return "encrypted";
    case AuditEvent::decrypted: return "decrypted";
    case AuditEvent::signature_verified: return "signature_verified";
    case AuditEvent::moved: return "moved";
    case AuditEvent::command_ran: return "command_ran";
    case AuditEvent::step_skipped: return "step_skipped";
    case AuditEvent::step_failed: return "step_failed";
    case AuditEvent::quarantined: return "quarantined";
    case AuditEvent::hook_finished: return "hook_finished";
    case AuditEvent::policy_refused: return "policy_refused";
  }
  return "unknown";
}

Result<std::unique_ptr<AuditTrail>> AuditTrail::open(const std::string& target, AuditFormat format) {
  if (target.empty() || target == "stderr") return std::unique_ptr<AuditTrail>(new AuditTrail(2, false, false, format));
  if (target == "syslog") {
    ::openlog("payload-hook", LOG_PID, LOG_AUTHPRIV);
    return std::unique_ptr<AuditTrail>(new AuditTrail(-1, false, true, format));
  }
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return fail(io::errno_error(target, errno));
  return std::unique_ptr<AuditTrail>(new AuditTrail(fd, true, false, format));
}

AuditTrail::~AuditTrail() {
  if (m_owned) ::close(m_fd);
  if (m_syslog) ::closelog();
}

void AuditTrail::emit(AuditEvent event, const AuditContext& context, const FileFacts& file, std::string_view outcome,
                      const AuditFields& extra) noexcept {
  try {
    AuditFields fields{{"run_id", context.run_id}, {"policy", context.policy}, {"hook_event", context.hook_event},
                       {"file", file.file}, {"size", std::to_string(file.size)}, {"sha256", file.sha256},
                       {"outcome", std::string(outcome)}};
    fields.insert(fields.end(), extra.begin(), extra.end());
    const auto id = std::to_string(static_cast<int>(event));
    const auto name = audit_event_name(event);
    std::string line;
    if (m_format == AuditFormat::json) {
      line = "{\"time\":\"" + as2d::utc_now() + "\",\"event\":" + id + ",\"name\":\"" + std::string(name) + "\"";
      for (const auto& [key, value] : fields) {
        const bool number = key == "size" || key == "exit_code" || key == "status";
        line += ",\"" + key + "\":" + (number && !value.empty() ? value : as2d::Field::quote(value));
      }
      line += "}";
    } else {
      line = as2d::utc_now() + " " + id + " " + std::string(name);
      for (const auto& [key, value] : fields) line += " " + key + "=" + text_value(value);
    }
    if (m_syslog) {
      const int priority = event == AuditEvent::step_failed || event == AuditEvent::quarantined ? LOG_WARNING : LOG_INFO;
      ::syslog(priority, "%s", line.c_str());
      return;
    }
    line += "\n";
    (void)io::write_all(m_fd, line);
  } catch (...) {
    // An audit line that cannot be built (out of memory) must not take the hook down.
  }
}

}  // namespace payload::hook
