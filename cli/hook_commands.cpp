// `payload hook run|check`: the command a file-transfer server calls before a file is
// sent or after one arrived (docs/hooks.md). Its exit codes are its own (hook/runner.h).
#include <algorithm>
#include <iostream>

#include <Poco/JSON/Array.h>

#include "audit_trail.h"
#include "commands.h"
#include "common.h"
#include "crypto_steps.h"
#include "policy.h"
#include "runner.h"

namespace payload::cli {
namespace {

struct HookArgs {
  std::string policy;
  std::string policies;
  std::string event;
  std::vector<std::string> files;
  bool json = false;
  std::string log = "stderr";
  std::string log_format = "text";
};

std::filesystem::path policies_file(const HookArgs& args) {
  return args.policies.empty() ? hook::default_policies_file() : std::filesystem::path(args.policies);
}

int config_error(const HookArgs& args, const std::string& message, hook::AuditTrail* audit) {
  if (audit)
    audit->emit(hook::AuditEvent::policy_refused, hook::AuditContext{{}, args.policy, args.event}, hook::FileFacts{}, "config_error",
                {{"error", message}});
  std::cerr << "payload: " << message << std::endl;
  if (args.json) {
    auto o = json_object();
    o->set("ok", false);
    o->set("outcome", "config_error");
    o->set("message", message);
    o->set("exit_code", static_cast<int>(hook::hook_config_error));
    print_json(o);
  }
  return hook::hook_config_error;
}

Poco::JSON::Object::Ptr outcome_json(const hook::FileOutcome& r) {
  auto o = json_object();
  o->set("file", r.input.string());
  o->set("outcome", r.outcome);
  o->set("exit_code", r.exit_code);
  if (!r.result.empty()) o->set("result", r.result.string());
  if (!r.reason_file.empty()) o->set("reason_file", r.reason_file.string());
  if (!r.failed_step.empty()) o->set("failed_step", r.failed_step);
  if (!r.error.empty()) o->set("error", r.error);
  if (!r.error_code.empty()) o->set("error_code", r.error_code);
  if (!r.run_id.empty()) o->set("run_id", r.run_id);
  o->set("resumed", r.resumed);
  return o;
}

// One line per file: "OUTCOME FILE [-> RESULT] [: ERROR]".
void print_outcome(const hook::FileOutcome& r) {
  std::cout << r.outcome << ' ' << r.input.string();
  if (!r.result.empty()) std::cout << " -> " << r.result.string();
  if (!r.error.empty()) std::cout << ": " << r.error;
  std::cout << '\n';
}

int run_hook(const HookArgs& args) {
  const auto format = args.log_format == "json" ? hook::AuditFormat::json : hook::AuditFormat::text;
  if (args.log_format != "json" && args.log_format != "text") return config_error(args, "--log-format must be text or json", nullptr);
  auto audit = hook::AuditTrail::open(args.log, format);
  if (!audit) return config_error(args, "--log " + audit.error().message(), nullptr);
  const auto event = hook::parse_hook_event(args.event);
  if (!event) return config_error(args, "--event must be pre-upload, post-upload, pre-download or post-download", audit->get());
  auto policy = hook::resolve_policy(args.policy, policies_file(args));
  if (!policy) return config_error(args, policy.error().message(), audit->get());
  if (std::find(policy->events.begin(), policy->events.end(), *event) == policy->events.end())
    return config_error(args, "policy [" + policy->name + "] does not run for " + args.event, audit->get());
  auto keys = hook::PolicyKeys::prepare(*policy);
  if (!keys) return config_error(args, keys.error().message(), audit->get());

  hook::Runner runner(*policy, *event, **keys, **audit);
  int exit_code = hook::hook_ok;
  Poco::JSON::Array::Ptr results = new Poco::JSON::Array;
  for (const auto& file : args.files) {
    const auto outcome = runner.process(file);
    exit_code = std::max(exit_code, outcome.exit_code);
    if (args.json) results->add(outcome_json(outcome));
    else print_outcome(outcome);
    std::cout.flush();
  }
  if (args.json) {
    auto o = json_object();
    o->set("ok", exit_code == hook::hook_ok);
    o->set("policy", policy->name);
    o->set("hook_event", args.event);
    o->set("exit_code", exit_code);
    o->set("files", results);
    print_json(o);
  }
  return exit_code;
}

int check_policies(const HookArgs& args) {
  const auto file = policies_file(args);
  auto policies = args.policy.empty() ? hook::load_policies(file)
                                      : hook::resolve_policy(args.policy, file).map([](hook::Policy p) { return std::vector<hook::Policy>{std::move(p)}; });
  if (!policies) return config_error(args, policies.error().message(), nullptr);
  for (const auto& p : *policies) {
    auto keys = hook::PolicyKeys::prepare(p);
    if (!keys) return config_error(args, keys.error().message(), nullptr);
    std::string steps;
    for (const auto& s : p.steps) steps += (steps.empty() ? "" : ", ") + std::string(hook::step_name(s));
    std::cout << p.name << ": " << steps << '\n';
  }
  return hook::hook_ok;
}

}  // namespace

void register_hook_commands(CLI::App& app, int& exit_code) {
  auto* hook = app.add_subcommand("hook", "File-transfer hooks: apply a policy to files (exit codes: docs/hooks.md)");
  hook->require_subcommand(1);
  auto a = std::make_shared<HookArgs>();
  auto* run = hook->add_subcommand("run", "Apply a policy's steps to each file; one result line per file");
  run->add_option("--policy", a->policy, "Policy name in the policies file, or a file holding one policy")->required();
  run->add_option("--policies", a->policies, "Policies file (default: $PAYLOAD_HOOK_POLICIES, else /etc/payload/hooks.ini)");
  run->add_option("--event", a->event, "pre-upload, post-upload, pre-download or post-download")->required();
  run->add_option("files", a->files, "Files to process")->required();
  run->add_flag("--json", a->json, "One JSON object with a result per file on stdout");
  run->add_option("--log", a->log, "Audit trail: stderr (default), syslog, or a file appended to");
  run->add_option("--log-format", a->log_format, "text (default) or json (one object per line)");
  run->callback([a, &exit_code] { exit_code = run_hook(*a); });

  auto c = std::make_shared<HookArgs>();
  auto* check = hook->add_subcommand("check", "Load the policies and their keys; exit 3 on any mistake");
  check->add_option("--policies", c->policies, "Policies file (default: $PAYLOAD_HOOK_POLICIES, else /etc/payload/hooks.ini)");
  check->add_option("--policy", c->policy, "Check only this policy (a name or a single-policy file)");
  check->callback([c, &exit_code] { exit_code = check_policies(*c); });
}

}  // namespace payload::cli
