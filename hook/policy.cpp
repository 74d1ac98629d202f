// payload hook policies: from INI sections to checked Policy values.
#include "policy.h"

#include <cstdlib>
#include <map>
#include <set>

#include "ini.h"

namespace payload::hook {
namespace {

constexpr HookEvent kAllEvents[] = {HookEvent::pre_upload, HookEvent::post_upload, HookEvent::pre_download,
                                    HookEvent::post_download};

// The keys of one section, each consumed once; what is left over is a typo to report.
class Keys final {
public:
  Keys(const IniSection& section, std::string origin, std::filesystem::path base)
      : m_section(section), m_origin(std::move(origin)), m_base(std::move(base)) {
    for (const auto& e : section.entries) m_left.insert(e.key);
  }

  [[nodiscard]] const IniEntry* find(const std::string& key) {
    for (const auto& e : m_section.entries)
      if (e.key == key) {
        m_left.erase(key);
        return &e;
      }
    return nullptr;
  }
  [[nodiscard]] tl::unexpected<Error> error(const IniEntry* at, const std::string& why) const {
    const int line = at ? at->line : m_section.line;
    return fail(Errc::usage, m_origin + ":" + std::to_string(line) + ": [" + m_section.name + "] " + why);
  }

  Result<std::string> text(const std::string& key, const std::string& fallback = {}) {
    const auto* e = find(key);
    return e ? e->value : fallback;
  }
  Result<std::vector<std::string>> list(const std::string& key) {
    std::vector<std::string> items;
    const auto* e = find(key);
    if (!e) return items;
    std::string item;
    for (char c : e->value + ",") {
      if (c == ',' || c == ' ' || c == '\t') {
        if (!item.empty()) items.push_back(std::move(item));
        item.clear();
      } else {
        item.push_back(c);
      }
    }
    return items;
  }
  Result<bool> flag(const std::string& key, bool fallback) {
    const auto* e = find(key);
    if (!e) return fallback;
    if (e->value == "yes" || e->value == "true" || e->value == "on" || e->value == "1") return true;
    if (e->value == "no" || e->value == "false" || e->value == "off" || e->value == "0") return false;
    return error(e, key + " must be yes or no, not '" + e->value + "'");
  }
  // Relative paths are taken relative to the policy file's folder.
  [[nodiscard]] std::filesystem::path resolve(const std::string& value) const {
    const std::filesystem::path p(value);
    return p.is_absolute() ? p : (m_base / p).lexically_normal();
  }
  Result<std::filesystem::path> path(const std::string& key) {
    const auto* e = find(key);
    return e && !e->value.empty() ? resolve(e->value) : std::filesystem::path{};
  }
  Result<std::vector<std::filesystem::path>> paths(const std::string& key) {
    auto items = list(key);
    if (!items) return fail(items.error());
    std::vector<std::filesystem::path> out;
    for (const auto& i : *items) out.push_back(resolve(i));
    return out;
  }
  // The keys nobody asked for: misspellings or keys of steps the policy does not run.
  Status finish() {
    if (m_left.empty()) return {};
    for (const auto& e : m_section.entries)
      if (m_left.count(e.key)) return error(&e, "unknown key " + e.key + " (or its step is not in steps)");
    return {};
  }

private:
  const IniSection& m_section;
  std::string m_origin;
  std::filesystem::path m_base;
  std::set<std::string> m_left;
};

#define PAYLOAD_TRY(var, expr)             \
  auto var##_r = (expr);                   \
  if (!var##_r) return fail(var##_r.error()); \
  auto var = std::move(*var##_r)

Result<Format> parse_format(Keys& keys, const std::string& key, Format fallback) {
  const auto* e = keys.find(key);
  if (!e) return fallback;
  if (e->value == "openpgp" || e->value == "pgp") return Format::openpgp;
  if (e->value == "smime" || e->value == "cms") return Format::smime;
  return keys.error(e, key + " must be openpgp or smime, not '" + e->value + "'");
}

Result<Step> parse_encrypt(Keys& keys) {
  EncryptStep step;
  PAYLOAD_TRY(format, parse_format(keys, "encrypt.format", Format::openpgp));
  step.format = format;
  PAYLOAD_TRY(recipients, keys.list("encrypt.recipients"));
  PAYLOAD_TRY(certs, keys.paths("encrypt.certificates"));
  PAYLOAD_TRY(sign_with, keys.text("encrypt.sign_with"));
  PAYLOAD_TRY(sign_cert, keys.path("encrypt.sign_certificate"));
  PAYLOAD_TRY(sign_key, keys.path("encrypt.sign_key"));
  PAYLOAD_TRY(armor, keys.flag("encrypt.armor", false));
  PAYLOAD_TRY(keep, keys.flag("encrypt.keep_original", false));
  PAYLOAD_TRY(extension, keys.text("encrypt.extension"));
  step.recipients = recipients;
  step.recipient_certs = certs;
  step.sign_with = sign_with;
  step.sign_certificate = sign_cert;
  step.sign_key = sign_key;
  step.armor = armor;
  step.keep_original = keep;
  if (format == Format::openpgp) {
    if (recipients.empty()) return keys.error(nullptr, "encrypt.recipients is required for OpenPGP");
    if (!certs.empty() || !sign_cert.empty() || !sign_key.empty())
      return keys.error(nullptr, "encrypt.certificates and encrypt.sign_certificate/sign_key are for smime");
    step.extension = extension.empty() ? (armor ? ".asc" : ".pgp") : extension;
  } else {
    if (certs.empty()) return keys.error(nullptr, "encrypt.certificates is required for smime");
    if (!recipients.empty() || !sign_with.empty() || armor)
      return keys.error(nullptr, "encrypt.recipients, encrypt.sign_with and encrypt.armor are for openpgp");
    if (sign_cert.empty() != sign_key.empty())
      return keys.error(nullptr, "encrypt.sign_certificate and encrypt.sign_key go together");
    step.extension = extension.empty() ? ".p7m" : extension;
  }
  if (step.extension.find('/') != std::string::npos) return keys.error(nullptr, "encrypt.extension may not contain '/'");
  return step;
}

Result<Step> parse_decrypt(Keys& keys) {
  DecryptStep step;
  if (keys.find("decrypt.format")) {
    PAYLOAD_TRY(format, parse_format(keys, "decrypt.format", Format::openpgp));
    step.format = format;
  }
  PAYLOAD_TRY(signers, keys.list("decrypt.require_signers"));
  PAYLOAD_TRY(cert, keys.path("decrypt.certificate"));
  PAYLOAD_TRY(key, keys.path("decrypt.key"));
  PAYLOAD_TRY(signer_certs, keys.paths("decrypt.signer_certificates"));
  PAYLOAD_TRY(keep, keys.flag("decrypt.keep_original", false));
  if (cert.empty() != key.empty()) return keys.error(nullptr, "decrypt.certificate and decrypt.key go together");
  if (step.format == Format::smime && cert.empty()) return keys.error(nullptr, "decrypt.certificate and decrypt.key are required for smime");
  step.require_signers = signers;
  step.certificate = cert;
  step.key = key;
  step.signer_certs = signer_certs;
  step.keep_original = keep;
  return step;
}

Result<Step> parse_verify(Keys& keys) {
  VerifyStep step;
  PAYLOAD_TRY(signers, keys.list("verify.signers"));
  PAYLOAD_TRY(certs, keys.paths("verify.certificates"));
  PAYLOAD_TRY(public_keys, keys.paths("verify.public_keys"));
  if (signers.empty() && certs.empty() && public_keys.empty())
    return keys.error(nullptr, "verify needs verify.signers (OpenPGP), verify.certificates (CMS, raw RSA) or verify.public_keys (raw RSA)");
  step.public_keys = public_keys;
  step.signers = signers;
  step.certificates = certs;
  return step;
}

Result<Step> parse_move(Keys& keys) {
  MoveStep step;
  PAYLOAD_TRY(to, keys.path("move.to"));
  PAYLOAD_TRY(uuid, keys.flag("move.uuid_prefix", false));
  if (to.empty()) return keys.error(nullptr, "move.to is required");
  step.to = to;
  step.uuid_prefix = uuid;
  return step;
}

Result<Step> parse_run(Keys& keys) {
  RunStep step;
  const auto* command = keys.find("run.command");
  if (!command || command->value.empty()) return keys.error(nullptr, "run.command is required");
  auto argv = split_command(command->value);
  if (!argv) return keys.error(command, "run.command: " + argv.error().message());
  if (argv->empty()) return keys.error(command, "run.command is empty");
  step.argv = *argv;
  if (const auto* t = keys.find("run.timeout")) {
    char* end = nullptr;
    const long v = std::strtol(t->value.c_str(), &end, 10);
    if (t->value.empty() || *end != '\0' || v < 1 || v > 86400) return keys.error(t, "run.timeout must be 1 to 86400 seconds");
    step.timeout_seconds = static_cast<int>(v);
  }
  return step;
}

Result<Policy> parse_policy(const IniSection& section, const std::string& origin, const std::filesystem::path& base) {
  Keys keys(section, origin, base);
  Policy policy;
  policy.name = section.name;
  PAYLOAD_TRY(events, keys.list("events"));
  for (const auto& e : events) {
    const auto parsed = parse_hook_event(e);
    if (!parsed) return keys.error(keys.find("events"), "unknown event " + e + " (pre-upload, post-upload, pre-download, post-download)");
    policy.events.push_back(*parsed);
  }
  if (policy.events.empty()) policy.events.assign(std::begin(kAllEvents), std::end(kAllEvents));
  PAYLOAD_TRY(keyring, keys.path("keyring"));
  PAYLOAD_TRY(passphrase, keys.path("passphrase_file"));
  PAYLOAD_TRY(quarantine, keys.path("quarantine"));
  if (quarantine.empty()) return keys.error(nullptr, "quarantine is required (where failed files go)");
  policy.keyring = keyring;
  policy.passphrase_file = passphrase;
  policy.quarantine = quarantine;
  PAYLOAD_TRY(steps, keys.list("steps"));
  if (steps.empty()) return keys.error(nullptr, "steps is required (encrypt, decrypt, verify, move, run)");
  std::set<std::string> seen;
  for (const auto& name : steps) {
    if (!seen.insert(name).second) return keys.error(keys.find("steps"), "step " + name + " appears twice");
    Result<Step> step = fail(Errc::usage, "");
    if (name == "encrypt") step = parse_encrypt(keys);
    else if (name == "decrypt") step = parse_decrypt(keys);
    else if (name == "verify") step = parse_verify(keys);
    else if (name == "move") step = parse_move(keys);
    else if (name == "run") step = parse_run(keys);
    else return keys.error(keys.find("steps"), "unknown step " + name + " (encrypt, decrypt, verify, move, run)");
    if (!step) return fail(step.error());
    policy.steps.push_back(std::move(*step));
  }
  if (auto done = keys.finish(); !done) return fail(done.error());
  return policy;
}

#undef PAYLOAD_TRY

}  // namespace

std::string_view hook_event_name(HookEvent event) noexcept {
  switch (event) {
    case HookEvent::pre_upload: return "pre-upload";
    case HookEvent::post_upload: return "post-upload";
    case HookEvent::pre_download: return "pre-download";
    case HookEvent::post_download: return "post-download";
  }
  return "unknown";
}

std::optional<HookEvent> parse_hook_event(std::string_view name) noexcept {
  for (auto e : kAllEvents)
    if (hook_event_name(e) == name) return e;
  return std::nullopt;
}

std::string_view step_name(const Step& step) noexcept {
  static constexpr std::string_view names[] = {"encrypt", "decrypt", "verify", "move", "run"};
  return names[step.index()];
}

Result<std::vector<Policy>> load_policies(const std::filesystem::path& file) {
  auto sections = read_ini(file);
  if (!sections) return fail(sections.error());
  const auto base = std::filesystem::absolute(file).parent_path();
  std::vector<Policy> policies;
  for (const auto& section : *sections) {
    auto policy = parse_policy(section, file.string(), base);
    if (!policy) return fail(policy.error());
    policies.push_back(std::move(*policy));
  }
  if (policies.empty()) return fail(Errc::usage, file.string() + ": no policy in the file");
  return policies;
}

Result<Policy> resolve_policy(const std::string& spec, const std::filesystem::path& policies_file) {
  std::error_code ec;
  const bool is_file = spec.find('/') != std::string::npos || std::filesystem::is_regular_file(spec, ec);
  if (is_file) {
    auto policies = load_policies(spec);
    if (!policies) return fail(policies.error());
    if (policies->size() != 1)
      return fail(Errc::usage, spec + ": holds " + std::to_string(policies->size()) + " policies; name one with --policies " + spec + " --policy NAME");
    return std::move(policies->front());
  }
  auto policies = load_policies(policies_file);
  if (!policies) return fail(policies.error());
  for (auto& p : *policies)
    if (p.name == spec) return std::move(p);
  return fail(Errc::usage, policies_file.string() + ": no policy [" + spec + "]");
}

std::filesystem::path default_policies_file() {
  if (const char* env = std::getenv("PAYLOAD_HOOK_POLICIES"); env && *env) return env;
  return "/etc/payload/hooks.ini";
}

Result<std::vector<std::string>> split_command(std::string_view line) {
  std::vector<std::string> argv;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < line.size()) word.push_back(line[++i]);
      else word.push_back(c);
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == '\\') {
      if (i + 1 == line.size()) return fail(Errc::usage, "a backslash at the end");
      word.push_back(line[++i]);
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) argv.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (quote) return fail(Errc::usage, std::string("unterminated ") + quote + " quote");
  if (in_word) argv.push_back(std::move(word));
  return argv;
}

}  // namespace payload::hook
