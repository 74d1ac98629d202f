// payload::pgp messages: encryption and decryption of files and streams.
//
// Output is always integrity-protected (MDC); decryption refuses messages without it.
// On failure the caller must discard `out` (an io::AtomicFile does so by itself): GnuPG
// writes plaintext as it goes, so a failed decryption leaves partial plaintext there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <payload/core/error.h>
#include <payload/core/secret.h>
#include <payload/io/file.h>
#include <payload/pgp/algorithms.h>
#include <payload/pgp/keyring.h>
#include <payload/pgp/signature.h>

namespace payload::pgp {

struct EncryptOptions {
  std::vector<std::string> recipients;  // fingerprints, key ids or e-mail addresses in the keyring
  std::vector<std::string> signers;     // also sign with these secret keys
  std::optional<Secret> symmetric_passphrase;  // also (or only) decryptable with this passphrase
  std::optional<Secret> key_passphrase;        // unlocks the signers' keys
  bool armor = false;
  bool text_mode = false;
  Algorithms algorithms;
  io::ProgressFn progress;
};

struct EncryptReport {
  std::string cipher;       // "AES256"
  std::string compression;  // "ZLIB", "none"
  std::vector<std::string> recipients;  // encryption subkey fingerprints used
};

Result<EncryptReport> encrypt(Keyring& keyring, const EncryptOptions& options, const io::Input& in, const io::Output& out);

struct DecryptOptions {
  std::optional<Secret> key_passphrase;
  std::optional<Secret> symmetric_passphrase;
  std::vector<std::string> require_signers;  // see check_signatures(); empty: signatures optional
  io::ProgressFn progress;
};

struct DecryptReport {
  std::string cipher;     // "AES256.CFB"
  std::string file_name;  // the name stored in the message; untrusted, never a path to write to
  std::vector<std::string> recipient_key_ids;
  std::vector<SignatureReport> signatures;
};

Result<DecryptReport> decrypt(Keyring& keyring, const DecryptOptions& options, const io::Input& in, const io::Output& out);

}  // namespace payload::pgp
