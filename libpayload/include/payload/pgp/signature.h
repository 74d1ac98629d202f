// payload::pgp signatures: making them (detached, clearsigned, inline) and verifying them,
// with a report per signature rather than a yes/no. Streams: inputs and outputs are
// descriptors, any size, constant memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>
#include <payload/core/secret.h>
#include <payload/io/file.h>
#include <payload/pgp/algorithms.h>
#include <payload/pgp/keyring.h>

namespace payload::pgp {

enum class SignatureStatus {
  good,               // made by the key, data unchanged, key usable
  bad,                // the data or the signature was changed
  expired_key,        // valid signature, but the key has expired
  revoked_key,        // valid signature, but the key is revoked
  expired_signature,  // the signature itself has expired
  unknown_key,        // no public key to check it with
  error,              // could not be checked (unsupported algorithm, wrong key usage...)
};
[[nodiscard]] std::string_view status_name(SignatureStatus status) noexcept;

struct SignatureReport {
  SignatureStatus status = SignatureStatus::error;
  std::string fingerprint;          // the signing (sub)key; only its key id when the key is unknown
  std::string primary_fingerprint;  // the certificate it belongs to, when known
  std::string user_id;              // the certificate's first user id, when known
  std::int64_t created = 0;         // seconds since the epoch
  std::int64_t expires = 0;         // 0: never
  std::string digest;               // "SHA256"
  std::string public_key_algorithm; // "RSA", "EdDSA"
  std::string detail;               // the engine's words for anything but good
  [[nodiscard]] bool good() const noexcept { return status == SignatureStatus::good; }
};

// Accepts a set of signature reports when every `required` signer (fingerprint of the key or
// of its certificate, or a 16-hex key id) has a good signature; with no required signer,
// when there is at least one good signature and no bad one. Errc::bad_signature otherwise,
// naming what is missing.
Status check_signatures(const std::vector<SignatureReport>& signatures, const std::vector<std::string>& required);

enum class SignMode { detached, clearsign, inline_binary };

struct SignOptions {
  std::vector<std::string> signers;  // key selectors; empty: the keyring's default secret key
  std::optional<Secret> key_passphrase;
  SignMode mode = SignMode::detached;
  bool armor = false;
  bool text_mode = false;  // canonical text signature (0x01): line endings do not matter
  Digest digest = Digest::sha256;
  io::ProgressFn progress;
};

struct SignReport {
  struct Made {
    std::string fingerprint;
    std::string digest;
    std::string public_key_algorithm;
    std::int64_t created = 0;
  };
  std::vector<Made> signatures;
};

Result<SignReport> sign(Keyring& keyring, const SignOptions& options, const io::Input& in, const io::Output& out);

struct VerifyReport {
  std::vector<SignatureReport> signatures;
};

// Checks a detached signature over `signed_data`.
Result<VerifyReport> verify_detached(Keyring& keyring, const io::Input& signed_data, const io::Input& signature);
// Checks an inline-signed or clearsigned message and writes the signed content to `out`.
Result<VerifyReport> verify_inline(Keyring& keyring, const io::Input& message, const io::Output& out);

}  // namespace payload::pgp
