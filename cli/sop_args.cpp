// `payload sop` argument parsing and failure reporting.
#include "sop_args.h"

#include <algorithm>
#include <iostream>

namespace payload::cli::sop {

int report(const Failure& failure) {
  std::cerr << "payload sop: " << failure.message << std::endl;
  return failure.code;
}

Outcome<Args> Args::parse(const std::vector<std::string>& argv, std::initializer_list<OptionSpec> options) {
  Args args;
  bool options_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      args.m_positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      args.m_help = true;
      continue;
    }
    const auto equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    const auto spec = std::find_if(options.begin(), options.end(), [&](const OptionSpec& o) { return o.name == name; });
    if (spec == options.end()) return failure(exit_unsupported_option, "unsupported option " + name);
    std::string value;
    if (spec->takes_value) {
      if (equals != std::string::npos) {
        value = arg.substr(equals + 1);
      } else if (i + 1 < argv.size()) {
        value = argv[++i];
      } else {
        return failure(exit_missing_arg, name + " needs a value");
      }
    } else if (equals != std::string::npos) {
      return failure(exit_unsupported_option, name + " takes no value");
    }
    if (!spec->repeatable && args.flag(name)) return failure(exit_incompatible_options, name + " given more than once");
    args.m_options.emplace_back(name, std::move(value));
  }
  return args;
}

bool Args::flag(std::string_view name) const {
  return std::any_of(m_options.begin(), m_options.end(), [&](const auto& o) { return o.first == name; });
}

std::optional<std::string> Args::value(std::string_view name) const {
  std::optional<std::string> out;
  for (const auto& [n, v] : m_options)
    if (n == name) out = v;
  return out;
}

std::vector<std::string> Args::values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : m_options)
    if (n == name) out.push_back(v);
  return out;
}

}  // namespace payload::cli::sop
