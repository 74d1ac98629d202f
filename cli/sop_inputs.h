// `payload sop` inputs and outputs: the indirect arguments (KEYS, CERTS, SIGNATURES,
// PASSWORD, SESSIONKEY and the *-out files) with their special designators @ENV:NAME and
// @FD:N, passwords, standard input, and the throwaway keyring every call works in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <payload/core/secret.h>
#include <payload/io/file.h>
#include <payload/pgp/keyring.h>

#include "sop_args.h"

namespace payload::cli::sop {

// Reads the content an indirect input argument names: a file, "@ENV:NAME" (the
// variable's value) or "@FD:N" (an open descriptor, read to its end). Errors: 61 missing
// file or unset variable or closed descriptor, 71 any other "@" prefix (and @FD: without
// a number), 73 a designator that also names an existing file.
Outcome<std::string> read_indirect(const std::string& argument);

// An indirect output (--verifications-out, --session-key-out, --micalg-out,
// --signatures-out): a new file, or "@FD:N". Nothing is written before commit(); a file
// appears only then, atomically. Errors at open(): 59 the file exists, 71 "@ENV:" or
// another unknown prefix, 73 a designator that also names an existing file.
class IndirectOutput final {
public:
  static Outcome<IndirectOutput> open(const std::string& argument);
  void append(std::string_view bytes) { m_content.append(bytes); }
  Done commit();

private:
  IndirectOutput() = default;
  std::string m_argument;
  std::optional<io::AtomicFile> m_file;
  int m_fd = -1;
  std::string m_content;
};

// Opens an optional output argument; none when the option was not given.
Outcome<std::optional<IndirectOutput>> open_optional_output(const std::optional<std::string>& argument);

// A password for something new (encrypt --with-password, generate-key
// --with-key-password): UTF-8 without control characters, trailing whitespace removed.
// Error 31 otherwise.
Outcome<Secret> read_new_password(const std::string& argument);
// Passwords to try on existing material: each as given and, when that differs, without
// its trailing whitespace (draft section "Consuming Password-protected Material").
Outcome<std::vector<Secret>> read_password_candidates(const std::vector<std::string>& arguments);

// True when the bytes are valid UTF-8 (RFC 3629).
[[nodiscard]] bool is_utf8(std::string_view bytes) noexcept;

// Standard input copied into an anonymous spool file, for inputs that are read twice or
// checked before use. The spool is returned rewound.
Outcome<io::SpoolFile> spool_standard_input();
// The spool as an input of an operation, rewound to its start.
Outcome<io::Input> rewound(const io::SpoolFile& spool);
// Checks that a spooled input is UTF-8 text (53 otherwise).
Done require_utf8(const io::SpoolFile& spool);
// Reads all of standard input into memory (keys, small messages).
Outcome<std::string> read_standard_input();
// Writes to standard output: bytes, or a whole spool once the operation has succeeded.
Done write_standard_output(std::string_view bytes);
Done release_to_standard_output(const io::SpoolFile& spool);

// The content of KEYS or CERTS arguments, read before any work starts.
struct Material {
  std::string argument;
  Secret data;  // may hold secret keys: wiped when dropped
};
Outcome<std::vector<Material>> read_materials(const std::vector<std::string>& arguments);
// True when some of it is a secret key (accepted where certificates are expected; its
// import needs the agent).
[[nodiscard]] bool holds_secret_key(const std::vector<Material>& materials);

// The keys or certificates one KEYS/CERTS argument brought in.
struct Imported {
  std::string argument;                   // as given on the command line
  std::vector<std::string> fingerprints;  // primary key fingerprints
};

// One throwaway GnuPG home per call (pgp::Keyring::temporary()): removed, and its agent
// stopped, when the session ends.
class Session final {
public:
  // Calls that use no secret key and no password say so: gpg then starts no agent (it
  // would start one even to import a certificate), which saves time and a process.
  // Calls that only use keys let the agent re-protect them cheaply in this home (it is
  // deleted at the end): on a busy machine gpg-agent's calibrated protection took seconds
  // per unlocked key. A call that hands secret keys out (generate-key) protects them with
  // the full OpenPGP iteration count: the agent uses its own count for exports.
  enum class Agent { not_needed, needed, exports_secret_keys };
  static Outcome<Session> create(Agent agent);
  Session(Session&& other) noexcept : m_keyring(std::move(other.m_keyring)), m_active(other.m_active) { other.m_active = false; }
  Session& operator=(Session&&) = delete;
  // Stops this home's agent by signal before the keyring removes the home (see stop_agent()).
  ~Session();
  [[nodiscard]] pgp::Keyring& keyring() noexcept { return m_keyring; }

  // Imports CERTS (secret keys are accepted too: their certificate is used); error 41
  // when one holds no usable OpenPGP certificate. With `secret`, imports KEYS: error 41
  // when one holds no OpenPGP key, or a certificate without its secret part.
  Outcome<std::vector<Imported>> import_all(const std::vector<Material>& materials, bool secret);
  // One of them; `name` appears in messages.
  Outcome<Imported> import_data(const std::string& name, std::string_view data, bool secret);
  // Makes sure the signing keys can be used: tries each password on each protected key
  // (the agent of this home then holds it unlocked for the rest of the call). Errors: 67 a
  // key stays locked, 79 a key cannot sign.
  Done unlock_signing_keys(const std::vector<std::string>& fingerprints, const std::vector<Secret>& passwords);

private:
  explicit Session(pgp::Keyring keyring) : m_keyring(std::move(keyring)) {}
  // `gpgconf --kill all`, which the keyring runs, now and then never returned under load:
  // gpg-connect-agent and the agent's connection thread both waited to read (GnuPG 2.2.40,
  // libassuan; seen three times in a few thousand calls), and once the agent outlived
  // both the kill and its deleted home. The agent of a throwaway home is therefore ended
  // here by its process id first: SIGTERM, three of them if it waits for a connection,
  // SIGKILL as the last resort. gpgconf then finds no agent and returns at once.
  void stop_agent() noexcept;
  pgp::Keyring m_keyring;
  bool m_active = true;
};

}  // namespace payload::cli::sop
