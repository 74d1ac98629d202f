// payload::pgp keyring: one explicit GnuPG home directory and the gpg-agent behind it.
//
// Every OpenPGP operation names its keyring; ~/.gnupg is used only when a caller points
// here. The agent that secret-key operations need is started on demand by gpg and, when
// this process started it, stopped again when the Keyring is destroyed, so no agent is
// left behind. Homes whose path is too long for the agent's Unix sockets (108 bytes) are
// reached through a short private alias.
#pragma once

#include <filesystem>
#include <memory>

#include <payload/core/error.h>

namespace payload::pgp {

class Keyring final {
public:
  // Opens `home`, creating it (mode 0700) when it does not exist.
  static Result<Keyring> open(const std::filesystem::path& home);
  // A fresh, empty home under $TMPDIR, deleted with the Keyring (SOP calls, tests).
  static Result<Keyring> temporary();
  // The home used when none is given: $PAYLOAD_GNUPGHOME, else
  // $XDG_DATA_HOME/payload/gnupg, else ~/.local/share/payload/gnupg.
  [[nodiscard]] static std::filesystem::path default_home();

  Keyring(Keyring&&) noexcept;
  Keyring& operator=(Keyring&&) noexcept;
  ~Keyring();

  // The directory as the caller named it.
  [[nodiscard]] const std::filesystem::path& home() const noexcept;
  // The path handed to gpg: the home itself, or its short alias.
  [[nodiscard]] const std::filesystem::path& engine_home() const noexcept;

  // Called before an operation that needs the agent (secret keys, passphrases): remembers
  // whether an agent was already serving this home, so that only ours is stopped.
  void will_use_agent();
  // Stops the agent (and any other GnuPG daemon) on this home if this process started it.
  void stop_agent();

private:
  struct State;
  explicit Keyring(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

}  // namespace payload::pgp
