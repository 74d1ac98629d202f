// payload hook runner.
#include "runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <optional>

#include <payload/core/random.h>
#include <payload/io/file.h>

#include "command_step.h"
#include "file_digest.h"
#include "file_moves.h"  // as2d::free_path, as2d::write_beside
#include "inbox.h"       // as2d::fsync_directory
#include "journal.h"
#include "move_file.h"
#include "utc_time.h"

namespace payload::hook {
namespace {

bool path_exists(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::symlink_status(p, ec));
}

// The plaintext name for an encrypted file: without .pgp/.gpg/.asc/.p7m, else NAME.out.
std::string decrypted_name(const std::string& name) {
  for (const std::string ext : {".pgp", ".gpg", ".asc", ".p7m"})
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
      return name.substr(0, name.size() - ext.size());
  return name + ".out";
}

enum class Verdict { policy_failure, bad_input, config, internal };

// Who is to blame for a failed step decides what happens to the file.
Verdict classify(const Step& step, Errc code, bool file_still_there) {
  if (!file_still_there) return Verdict::bad_input;
  if (code == Errc::internal) return Verdict::internal;
  if (code == Errc::usage || code == Errc::bad_passphrase) return Verdict::config;
  // Our recipients' keys are configuration; a partner's file not meant for us is not.
  if (std::holds_alternative<EncryptStep>(step) && (code == Errc::no_key || code == Errc::key_unusable)) return Verdict::config;
  return Verdict::policy_failure;
}

// One file's run: the journal, the facts of the current file, and the audit context.
class FileRun final {
public:
  FileRun(const Policy& policy, HookEvent event, PolicyKeys& keys, AuditTrail& audit, std::filesystem::path file)
      : m_policy(policy), m_event(event), m_keys(keys), m_audit(audit), m_file(std::move(file)) {
    m_out.input = m_file;
    m_context.policy = policy.name;
    m_context.hook_event = std::string(hook_event_name(event));
  }

  FileOutcome run();

private:
  FileOutcome finish(std::string outcome, int code) {
    m_out.outcome = std::move(outcome);
    m_out.exit_code = code;
    m_out.run_id = m_context.run_id;
    m_audit.emit(AuditEvent::hook_finished, m_context, m_facts, m_out.outcome,
                 {{"exit_code", std::to_string(code)}, {"result", m_out.result.string()}, {"error", m_out.error}});
    return m_out;
  }
  FileOutcome stop(Verdict verdict, const std::string& step, const Error& error);
  Status save() { return write_journal(m_file, m_journal); }
  void drop_superseded();
  void remove_dead_temporaries();
  Status run_step(const Step& step);
  Status encrypt(const EncryptStep& step);
  Status decrypt(const DecryptStep& step);
  Status transform(const std::string& name, bool keep_original, AuditEvent event,
                   const std::function<Result<AuditFields>(const std::filesystem::path&, bool)>& produce);
  Status verify(const VerifyStep& step);
  Status move(const MoveStep& step);
  Status run_command_step(const RunStep& step);
  FileOutcome quarantine();
  void refresh_facts() { m_facts = file_facts(m_journal.current); }

  const Policy& m_policy;
  HookEvent m_event;
  PolicyKeys& m_keys;
  AuditTrail& m_audit;
  std::filesystem::path m_file;
  Journal m_journal;
  AuditContext m_context;
  FileFacts m_facts;
  FileOutcome m_out;
};

FileOutcome FileRun::run() {
  m_facts.file = m_file.string();
  auto lock = FileLock::try_lock(m_file);
  if (!lock) {
    m_out.error = path_exists(m_file.parent_path()) ? lock.error().message() : m_file.string() + ": No such file or directory";
    m_audit.emit(AuditEvent::input_missing, m_context, m_facts, "bad_input", {{"error", m_out.error}});
    return finish("bad_input", hook_bad_input);
  }
  if (!*lock) {
    m_out.error = m_file.string() + ": another hook is working on this file";
    m_audit.emit(AuditEvent::hook_busy, m_context, m_facts, "busy");
    return finish("busy", hook_busy);
  }
  auto journal = read_journal(m_file);
  if (!journal) {
    m_out.error = journal.error().message();
    return finish("internal_error", hook_internal_error);
  }
  if (*journal) {
    m_journal = std::move(**journal);
    m_context.run_id = m_journal.run_id;
    if (m_journal.policy != m_policy.name) {
      m_out.error = m_file.string() + ": an interrupted run of policy [" + m_journal.policy + "] is pending; run that policy to finish it";
      return finish("config_error", hook_config_error);
    }
    m_out.resumed = true;
    refresh_facts();
    m_audit.emit(AuditEvent::hook_resumed, m_context, m_facts, "resumed",
                 {{"next_step", std::to_string(m_journal.next_step)}, {"failure", m_journal.failure}});
    drop_superseded();
    remove_dead_temporaries();
  } else {
    m_context.run_id = random_uuid();
    struct stat st {};
    if (::stat(m_file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || ::access(m_file.c_str(), R_OK) != 0) {
      m_out.error = !path_exists(m_file) ? m_file.string() + ": No such file or directory"
                    : !S_ISREG(st.st_mode) ? m_file.string() + ": not a regular file"
                                           : io::errno_error(m_file.string(), errno).message();
      m_audit.emit(AuditEvent::input_missing, m_context, m_facts, "bad_input", {{"error", m_out.error}});
      return finish("bad_input", hook_bad_input);
    }
    m_journal = Journal{m_policy.name, m_context.hook_event, m_context.run_id, 0, m_file, {}, {}, {}, {}, {}};
    refresh_facts();
    // No journal yet: until a step claims an output name, the original is all there is.
    m_audit.emit(AuditEvent::hook_started, m_context, m_facts, "started", {{"steps", std::to_string(m_policy.steps.size())}});
  }
  if (!m_journal.failure.empty()) return quarantine();
  while (m_journal.next_step < m_policy.steps.size()) {
    const auto& step = m_policy.steps[m_journal.next_step];
    auto done = run_step(step);
    if (!done) {
      const bool there = path_exists(m_journal.current);
      return stop(classify(step, done.error().code(), there), std::string(step_name(step)), done.error());
    }
  }
  m_out.result = m_journal.current;
  if (auto removed = remove_journal(m_file); !removed) m_out.error = removed.error().message();
  return finish("ok", hook_ok);
}

FileOutcome FileRun::stop(Verdict verdict, const std::string& step, const Error& error) {
  m_out.failed_step = step;
  m_out.error = step + ": " + error.message();
  m_out.error_code = std::string(errc_name(error.code()));
  m_audit.emit(AuditEvent::step_failed, m_context, m_facts, m_out.error_code, {{"step", step}, {"error", error.message()}});
  if (verdict == Verdict::policy_failure) {
    m_journal.failure = m_out.error;
    m_journal.failure_code = m_out.error_code;
    m_journal.pending.clear();
    if (auto saved = save(); !saved) {
      m_out.error += "; journal: " + saved.error().message();
      return finish("internal_error", hook_internal_error);
    }
    return quarantine();
  }
  // Nothing was changed by this run yet: leave no journal, the file is as it came.
  if (m_journal.next_step == 0 && !m_out.resumed) (void)remove_journal(m_file);
  if (verdict == Verdict::bad_input) {
    (void)remove_journal(m_file);  // the file is gone: there is nothing left to finish
    return finish("bad_input", hook_bad_input);
  }
  if (verdict == Verdict::config) return finish("config_error", hook_config_error);
  return finish("internal_error", hook_internal_error);
}

// The result is durable and the journal names it: the file it replaces can go. (Not
// fsync'ed: should the removal be lost, the journal still names the file to remove.)
// A run killed inside a step leaves its temporary ("OUTPUT.part-XXXXXXXX", io::AtomicFile)
// or a journal temporary (".NAME.payload-hook.XXXXXX"): never results, removed on resume.
void FileRun::remove_dead_temporaries() {
  const auto journal_temp = journal_path(m_file).filename().string() + ".";
  const auto output_temp = m_journal.pending.empty() ? std::string() : m_journal.pending.filename().string() + ".part-";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(m_file.parent_path(), ec)) {
    const auto name = entry.path().filename().string();
    const bool dead = (name.rfind(journal_temp, 0) == 0 && name.size() == journal_temp.size() + 6) ||
                      (!output_temp.empty() && name.rfind(output_temp, 0) == 0);
    if (dead) ::unlink(entry.path().c_str());
  }
}

void FileRun::drop_superseded() {
  if (m_journal.superseded.empty()) return;
  ::unlink(m_journal.superseded.c_str());
  m_journal.superseded.clear();
}

Status FileRun::run_step(const Step& step) {
  if (const auto* s = std::get_if<EncryptStep>(&step)) return encrypt(*s);
  if (const auto* s = std::get_if<DecryptStep>(&step)) return decrypt(*s);
  if (const auto* s = std::get_if<VerifyStep>(&step)) return verify(*s);
  if (const auto* s = std::get_if<MoveStep>(&step)) return move(*s);
  return run_command_step(std::get<RunStep>(step));
}

// A step that writes a new file beside the current one: claim the name in the journal,
// write it (temp, fsync, rename), move the journal on, then drop the file it replaces.
Status FileRun::transform(const std::string& name, bool keep_original, AuditEvent event,
                          const std::function<Result<AuditFields>(const std::filesystem::path&, bool)>& produce) {
  const bool claimed = !m_journal.pending.empty();
  if (!claimed) {
    auto target = as2d::free_path(m_journal.current.parent_path(), name);
    if (!target) return fail(target.error());
    m_journal.pending = *target;
    if (auto saved = save(); !saved) return saved;
  }
  // A claimed name that exists is our own output from before a crash: replace it, unless
  // its input is gone already (only a finished output is ever published under the name).
  Result<AuditFields> fields = AuditFields{{"recovered", "yes"}};
  if (!claimed || path_exists(m_journal.current) || !path_exists(m_journal.pending)) {
    fields = produce(m_journal.pending, claimed);
    if (!fields) {
      m_journal.pending.clear();
      return fail(fields.error());
    }
  }
  const auto previous = m_journal.current;
  const bool is_original = previous == m_file;
  m_journal.current = m_journal.pending;
  m_journal.pending.clear();
  m_journal.superseded = is_original && keep_original ? std::filesystem::path{} : previous;
  ++m_journal.next_step;
  if (auto saved = save(); !saved) return saved;
  drop_superseded();
  refresh_facts();
  fields->emplace_back("input", previous.string());
  m_audit.emit(event, m_context, m_facts, "ok", *fields);
  return {};
}

Status FileRun::encrypt(const EncryptStep& step) {
  if (m_journal.pending.empty()) {
    if (const auto sealed = sniff_encrypted(m_journal.current); sealed != Sealed::none) {
      // Idempotence: never encrypt what is already an encrypted message (a rerun on the
      // result, a partner's pre-encrypted upload).
      ++m_journal.next_step;
      if (auto saved = save(); !saved) return saved;
      m_audit.emit(AuditEvent::step_skipped, m_context, m_facts, "skipped",
                   {{"step", "encrypt"}, {"reason", sealed == Sealed::openpgp ? "already an OpenPGP message" : "already a CMS envelope"}});
      return {};
    }
  }
  return transform(m_journal.current.filename().string() + step.extension, step.keep_original, AuditEvent::encrypted,
                   [&](const std::filesystem::path& out, bool replace) { return encrypt_file(m_keys, step, m_journal.current, out, replace); });
}

Status FileRun::decrypt(const DecryptStep& step) {
  return transform(decrypted_name(m_journal.current.filename().string()), step.keep_original, AuditEvent::decrypted,
                   [&](const std::filesystem::path& out, bool replace) { return decrypt_file(m_keys, step, m_journal.current, out, replace); });
}

Status FileRun::verify(const VerifyStep& step) {
  std::filesystem::path signature;
  auto fields = verify_file(m_keys, step, m_journal.current, signature);
  if (!fields) {
    // A signature that failed goes to quarantine with the file.
    if (!signature.empty()) m_journal.companions.push_back(signature);
    return fail(fields.error());
  }
  m_journal.companions.push_back(signature);
  ++m_journal.next_step;
  if (auto saved = save(); !saved) return saved;
  m_audit.emit(AuditEvent::signature_verified, m_context, m_facts, "ok", *fields);
  return {};
}

Status FileRun::move(const MoveStep& step) {
  const auto from = m_journal.current;
  if (m_journal.pending.empty()) {
    if (auto made = as2d::ensure_directory(step.to); !made) return made;
    const auto name = (step.uuid_prefix ? random_uuid() + "-" : std::string()) + from.filename().string();
    auto target = as2d::free_path(step.to, name);
    if (!target) return fail(target.error());
    m_journal.pending = *target;
    if (auto saved = save(); !saved) return saved;
  }
  // After a crash the move may have happened already.
  for (int attempt = 0; path_exists(from) || !path_exists(m_journal.pending); ++attempt) {
    auto moved = move_file(from, m_journal.pending);
    if (moved) break;
    // Another hook took the free name first (two uploads of one name at once): next name.
    if (attempt < 100 && path_exists(from) && path_exists(m_journal.pending)) {
      auto target = as2d::free_path(step.to, from.filename().string());
      if (!target) return fail(target.error());
      m_journal.pending = *target;
      if (auto saved = save(); !saved) return saved;
      continue;
    }
    m_journal.pending.clear();
    return moved;
  }
  // Signatures that were checked travel along, under their own names.
  std::vector<std::filesystem::path> moved_companions;
  for (const auto& c : m_journal.companions) {
    if (!path_exists(c)) continue;
    auto target = as2d::move_unique(c, step.to, c.filename().string());
    moved_companions.push_back(target ? *target : c);
  }
  m_journal.companions = moved_companions;
  m_journal.current = m_journal.pending;
  m_journal.pending.clear();
  ++m_journal.next_step;
  if (auto saved = save(); !saved) return saved;
  m_facts.file = m_journal.current.string();
  m_audit.emit(AuditEvent::moved, m_context, m_facts, "ok", {{"from", from.string()}, {"to", m_journal.current.string()}});
  return {};
}

Status FileRun::run_command_step(const RunStep& step) {
  const std::map<std::string, std::string> environment{
      {"PAYLOAD_HOOK_FILE", m_journal.current.string()},   {"PAYLOAD_HOOK_ORIGINAL", m_file.string()},
      {"PAYLOAD_HOOK_POLICY", m_policy.name},               {"PAYLOAD_HOOK_EVENT", m_context.hook_event},
      {"PAYLOAD_HOOK_RUN_ID", m_context.run_id},            {"PAYLOAD_HOOK_SHA256", m_facts.sha256},
      {"PAYLOAD_HOOK_SIZE", std::to_string(m_facts.size)},  {"PAYLOAD_HOOK_STEP", std::to_string(m_journal.next_step + 1)},
  };
  auto fields = run_command(step, environment);
  if (!fields) return fail(fields.error());
  ++m_journal.next_step;
  if (auto saved = save(); !saved) return saved;
  m_audit.emit(AuditEvent::command_ran, m_context, m_facts, "ok", *fields);
  return {};
}

FileOutcome FileRun::quarantine() {
  const auto& dir = m_policy.quarantine;
  auto failed = [&](const Error& e) {
    m_out.failed_step = "quarantine";
    m_out.error += "; quarantine: " + e.message();
    m_audit.emit(AuditEvent::step_failed, m_context, m_facts, std::string(errc_name(e.code())), {{"step", "quarantine"}, {"error", e.message()}});
    return finish("config_error", hook_config_error);
  };
  if (m_out.error.empty()) m_out.error = m_journal.failure;
  if (m_out.error_code.empty()) m_out.error_code = m_journal.failure_code;
  if (m_journal.pending.empty()) {
    if (!path_exists(m_journal.current)) {
      (void)remove_journal(m_file);
      m_out.error += "; the file vanished before it could be quarantined";
      return finish("bad_input", hook_bad_input);
    }
    if (auto made = as2d::ensure_directory(dir); !made) return failed(made.error());
    auto target = as2d::free_path(dir, m_journal.current.filename().string());
    if (!target) return failed(target.error());
    m_journal.pending = *target;
    if (auto saved = save(); !saved) return failed(saved.error());
  }
  const auto target = m_journal.pending;
  const auto reason_name = target.filename().string() + ".reason";
  const std::string reason = "file: " + m_file.string() + "\nfailed: " + m_journal.failure + "\nerror: " + m_journal.failure_code +
                             "\ntime: " + as2d::utc_now() + "\nevent: " + std::to_string(static_cast<int>(AuditEvent::step_failed)) +
                             "\nrun_id: " + m_context.run_id + "\npolicy: " + m_policy.name + "\nhook_event: " + m_context.hook_event +
                             "\nsize: " + std::to_string(m_facts.size) + "\nsha256: " + m_facts.sha256 + "\n";
  // The reason first: a quarantined file is never without its explanation.
  if (auto written = as2d::write_beside(dir, reason_name, reason); !written) return failed(written.error());
  if (path_exists(m_journal.current) || !path_exists(target)) {
    if (auto moved = move_file(m_journal.current, target); !moved) return failed(moved.error());
  }
  for (const auto& c : m_journal.companions)
    if (path_exists(c)) (void)as2d::move_unique(c, dir, c.filename().string());
  m_out.result = target;
  m_out.reason_file = dir / reason_name;
  m_facts.file = target.string();
  m_audit.emit(AuditEvent::quarantined, m_context, m_facts, m_journal.failure_code,
               {{"reason_file", m_out.reason_file.string()}, {"error", m_journal.failure}});
  (void)remove_journal(m_file);
  return finish("quarantined", hook_policy_failure);
}

}  // namespace

std::string random_uuid() {
  auto hex = random_hex128();
  hex[12] = '4';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" + hex.substr(20);
}

FileOutcome Runner::process(const std::filesystem::path& file) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(file, ec).lexically_normal();
  FileRun run(m_policy, m_event, m_keys, m_audit, ec ? file : absolute);
  try {
    return run.run();
  } catch (const std::exception& e) {
    FileOutcome out;
    out.input = file;
    out.outcome = "internal_error";
    out.exit_code = hook_internal_error;
    out.error = e.what();
    return out;
  }
}

}  // namespace payload::hook
