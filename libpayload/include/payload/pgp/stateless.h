// payload::pgp stateless: what the Stateless OpenPGP command line (`payload sop`) needs
// beyond the general API: the type (binary or text) of every signature checked,
// decryption with a given session key or reporting the one used, key and message
// passwords kept apart, keys with several user IDs, and the engine's versions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <payload/core/error.h>
#include <payload/core/secret.h>
#include <payload/io/file.h>
#include <payload/pgp/keyring.h>
#include <payload/pgp/signature.h>

namespace payload::pgp {

// RFC 4880 5.2.1: signature type 0x00 (binary document) or 0x01 (canonical text).
enum class SignatureMode { unknown, binary, text };

struct TypedSignature {
  SignatureReport report;
  SignatureMode mode = SignatureMode::unknown;  // known for good signatures
};

// As verify_detached() and verify_inline(), with the type of each good signature.
Result<std::vector<TypedSignature>> verify_detached_typed(Keyring& keyring, const io::Input& signed_data, const io::Input& signature);
Result<std::vector<TypedSignature>> verify_inline_typed(Keyring& keyring, const io::Input& message, const io::Output& out);

// Verifies a signed message (cleartext-signed, armored or binary) and writes its content
// to `out`. Messages of the plain form "one-pass signatures, literal data, signatures"
// are taken apart and their signatures checked over the literal data as detached ones:
// gpg 2.2 reports a text signature (type 0x01) BAD inside a message when the data is not
// stored with CRLF line ends, as other implementations store it (sqop, RFC 9580 5.9).
// Text ('t', 'u') content under text signatures is written with the CRLF turned into LF,
// as gpg does. Cleartext, compressed and other messages go to gpg as they are. `message`
// must be a seekable descriptor (a file or spool); it is read from its start. A message
// without signatures gives an empty list. Errc::bad_data when it is no signed message.
Result<std::vector<TypedSignature>> verify_message_typed(Keyring& keyring, const io::Input& message, const io::Output& out);

struct StatelessDecryptOptions {
  std::optional<Secret> key_passphrase;        // given when gpg asks to unlock a secret key
  std::optional<Secret> message_passphrase;    // given when gpg asks for the message's password
  std::optional<std::string> session_key;           // "ALGO:HEX": open the message with it, no key needed
  bool export_session_key = false;                  // report the session key used
  bool unwrap = false;  // write the decrypted OpenPGP message itself (for verify_message_typed), signatures unchecked
};

struct StatelessDecryptReport {
  std::string session_key;  // "ALGO:HEX" (e.g. "9:3F1C..."), when asked for
  std::vector<std::string> recipient_key_ids;
  std::vector<TypedSignature> signatures;  // every signature found, good or not
};

// Decrypts `in` to `out` (and checks signatures by keys in the keyring). On failure the
// caller discards `out`, which may hold partial plaintext. Errors:
//   Errc::no_key         no secret key, password or session key given opens the message
//   Errc::bad_passphrase a secret key that opens it is locked and the passphrase is missing or wrong
//   Errc::bad_data       not an encrypted message, corrupt, truncated, tampered, or without MDC
Result<StatelessDecryptReport> decrypt_stateless(Keyring& keyring, const StatelessDecryptOptions& options, const io::Input& in,
                                                 const io::Output& out);

// Adds a user ID to a key whose secret part is in the keyring (self-signed).
Status add_user_id(Keyring& keyring, const std::string& fingerprint, const std::string& user_id,
                   const std::optional<Secret>& passphrase);

// "GPGME 1.18.0, GnuPG 2.2.40".
Result<std::string> engine_versions();

}  // namespace payload::pgp
