// payload::pgp agent processes: finding the gpg-agent that serves a home and waiting for
// it to exit. gpgconf --kill returns as soon as the agent has acknowledged KILLAGENT; the
// agent then still removes its sockets from the home, so whoever deletes the home (or
// needs the agent gone) waits for the process itself.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>

namespace payload::pgp {

// The gpg-agent serving `engine_home`: the process of this user whose command line is
// "gpg-agent --homedir HOME ..." (how gpg starts it). Its socket does not tell: the agent
// listens before it forks into the background, so SO_PEERCRED names the parent.
std::optional<pid_t> agent_process(const std::filesystem::path& engine_home);

// True when `pid` has exited (or is a zombie waiting for whoever reaps daemons).
bool process_gone(pid_t pid);

// Waits up to `limit` for `pid` to be gone; true when it is.
bool wait_process_gone(pid_t pid, std::chrono::milliseconds limit);

}  // namespace payload::pgp
