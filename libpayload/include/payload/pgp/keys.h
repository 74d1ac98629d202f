// payload::pgp keys: generation, import, export, listing and deletion in a keyring.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>
#include <payload/core/secret.h>
#include <payload/pgp/keyring.h>

namespace payload::pgp {

enum class KeyType {
  rsa2048,
  rsa3072,  // GnuPG's default, and what every partner's OpenPGP can read
  rsa4096,
  ed25519,  // Ed25519 signing primary with a Cv25519 encryption subkey
};
[[nodiscard]] std::optional<KeyType> parse_key_type(std::string_view name);
[[nodiscard]] std::string_view key_type_name(KeyType type) noexcept;

struct SubkeyInfo {
  std::string fingerprint;
  std::string key_id;
  std::string algorithm;     // "rsa3072", "ed25519", "cv25519"
  unsigned length = 0;
  std::int64_t created = 0;
  std::int64_t expires = 0;  // 0: never
  std::string capabilities;  // subset of "SCEA"
  bool revoked = false;
  bool expired = false;
  bool secret = false;
};

struct KeyInfo {
  std::string fingerprint;  // of the primary key
  std::vector<std::string> user_ids;
  std::string algorithm;
  unsigned length = 0;
  std::int64_t created = 0;
  std::int64_t expires = 0;
  std::string capabilities;  // of the whole key
  bool revoked = false;
  bool expired = false;
  bool secret = false;
  std::vector<SubkeyInfo> subkeys;  // the primary first
};

struct GenerateOptions {
  std::string user_id;  // "Name <mail@example.com>"
  KeyType type = KeyType::rsa3072;
  std::int64_t expires_in_seconds = 0;    // 0: never expires
  std::optional<Secret> passphrase;  // none: the secret key is stored unprotected
  bool signing_only = false;              // no encryption subkey
};

Result<KeyInfo> generate_key(Keyring& keyring, const GenerateOptions& options);

struct ImportReport {
  int considered = 0;
  int imported = 0;
  int unchanged = 0;
  int secret_imported = 0;
  std::vector<std::string> fingerprints;
};

// Imports armored or binary keys (public or secret).
Result<ImportReport> import_keys(Keyring& keyring, std::string_view key_data, std::optional<Secret> passphrase = {});

struct ExportOptions {
  std::vector<std::string> patterns;  // empty: all keys
  bool secret = false;
  bool armor = true;
  std::optional<Secret> passphrase;  // the agent asks for it to export secret keys
};
Result<std::string> export_keys(Keyring& keyring, const ExportOptions& options);

// Lists keys matching `patterns` (all when empty); secret_only lists keys we hold the secret for.
Result<std::vector<KeyInfo>> list_keys(Keyring& keyring, const std::vector<std::string>& patterns, bool secret_only = false);

// Finds exactly one key for a selector; Errc::no_key when none, Errc::usage when ambiguous.
Result<KeyInfo> find_key(Keyring& keyring, const std::string& selector, bool secret = false);

// Deletes a key; with a secret part only when `with_secret` is set.
Status delete_key(Keyring& keyring, const std::string& selector, bool with_secret);

}  // namespace payload::pgp
