// payload::pgp encryption and decryption over GPGME.
#include <payload/pgp/message.h>

#include <unistd.h>

#include <array>

#include <payload/pgp/keys.h>

#include "operation.h"
#include "verify_result.h"

namespace payload::pgp {
namespace {

// The first bytes of a regular file, for the automatic compression choice.
std::string peek_head(const io::Input& in) {
  if (in.path.empty()) return {};
  std::array<char, 16> head{};
  const ssize_t n = ::pread(in.fd, head.data(), head.size(), 0);
  return n > 0 ? std::string(head.data(), static_cast<size_t>(n)) : std::string();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string invalid_key_reason(gpgme_error_t reason) {
  switch (gpgme_err_code(reason)) {
    case GPG_ERR_KEY_EXPIRED: return "key expired";
    case GPG_ERR_CERT_REVOKED: return "key revoked";
    case GPG_ERR_WRONG_KEY_USAGE: return "key cannot encrypt";
    default: return detail::gpgme_reason(reason);
  }
}

bool holds_secret_key_for(Keyring& keyring, const std::vector<std::string>& key_ids) {
  if (key_ids.empty()) return false;
  auto keys = list_keys(keyring, key_ids, true);
  return keys && !keys->empty();
}

}  // namespace

Result<EncryptReport> encrypt(Keyring& keyring, const EncryptOptions& options, const io::Input& in, const io::Output& out) {
  if (options.recipients.empty() && !options.symmetric_passphrase)
    return fail(Errc::usage, "no recipient and no passphrase to encrypt for");
  const auto& algos = options.algorithms;
  const Compression compression = choose_compression(algos.compression, peek_head(in));
  const std::string cipher(gpg_name(algos.cipher));
  const std::string digest(gpg_name(algos.digest));

  detail::OperationSetup setup;
  setup.gpg_options = {"--cipher-algo", cipher,        "--s2k-cipher-algo", cipher,   "--digest-algo",
                       digest,          "--s2k-digest-algo", digest,           "--compress-algo",
                       std::string(compression == Compression::none ? "none" : gpg_name(compression)),
                       "--force-mdc"};
  if (algos.compress_level >= 0) {
    const auto level = std::to_string(algos.compress_level);
    setup.gpg_options.insert(setup.gpg_options.end(), {"--compress-level", level, "--bzip2-compress-level", level});
  }
  setup.direct_files = true;
  setup.context.armor = options.armor;
  setup.context.text_mode = options.text_mode;
  setup.context.passphrase = options.symmetric_passphrase ? options.symmetric_passphrase : options.key_passphrase;
  setup.context.progress = options.progress;
  if (!options.signers.empty() && options.symmetric_passphrase && options.key_passphrase &&
      *options.symmetric_passphrase != *options.key_passphrase)
    return fail(Errc::usage, "signing and symmetric encryption in one step need the same passphrase for both");
  if (!options.signers.empty() || options.symmetric_passphrase) keyring.will_use_agent();

  auto op = detail::prepare(keyring, std::move(setup), in, out);
  if (!op) return fail(op.error());
  gpgme_ctx_t ctx = op->ctx->get();

  auto recipients = detail::lookup_keys(ctx, options.recipients, false);
  if (!recipients) return fail(recipients.error());
  auto signers = detail::lookup_keys(ctx, options.signers, true);
  if (!signers) return fail(signers.error());
  for (const auto& key : *signers) gpgme_signers_add(ctx, key.get());

  std::vector<gpgme_key_t> recipient_array;
  for (const auto& key : *recipients) recipient_array.push_back(key.get());
  recipient_array.push_back(nullptr);

  // Recipients are named explicitly by the caller: that choice is the trust decision, so
  // GnuPG's web-of-trust validity is not required (ALWAYS_TRUST).
  int flags = GPGME_ENCRYPT_ALWAYS_TRUST | GPGME_ENCRYPT_NO_ENCRYPT_TO;
  if (options.symmetric_passphrase) flags |= GPGME_ENCRYPT_SYMMETRIC;
  if (compression == Compression::none) flags |= GPGME_ENCRYPT_NO_COMPRESS;
  gpgme_key_t* keys = options.recipients.empty() ? nullptr : recipient_array.data();
  const auto encrypt_flags = static_cast<gpgme_encrypt_flags_t>(flags);
  const gpgme_error_t err = signers->empty() ? gpgme_op_encrypt(ctx, keys, encrypt_flags, op->in.get(), op->out.get())
                                             : gpgme_op_encrypt_sign(ctx, keys, encrypt_flags, op->in.get(), op->out.get());
  if (err) {
    if (gpgme_encrypt_result_t result = gpgme_op_encrypt_result(ctx); result && result->invalid_recipients) {
      std::vector<std::string> reasons;
      for (auto r = result->invalid_recipients; r; r = r->next)
        reasons.push_back(std::string(r->fpr ? r->fpr : "?") + " (" + invalid_key_reason(r->reason) + ")");
      return fail(Errc::key_unusable, "cannot encrypt to " + join(reasons));
    }
    if (op->ctx->passphrase_missing()) return fail(Errc::bad_passphrase, "the signing key needs a passphrase and none was given");
    if (gpgme_sign_result_t sr = gpgme_op_sign_result(ctx); sr && sr->invalid_signers)
      return fail(Errc::key_unusable, std::string("cannot sign with ") + (sr->invalid_signers->fpr ? sr->invalid_signers->fpr : "?") +
                                          " (" + invalid_key_reason(sr->invalid_signers->reason) + ")");
    return fail(detail::gpgme_failure(err, "encryption failed"));
  }

  EncryptReport report;
  report.cipher = cipher;
  report.compression = std::string(compression == Compression::none ? "none" : gpg_name(compression));
  for (const auto& key : *recipients) report.recipients.emplace_back(key->fpr ? key->fpr : "");
  return report;
}

Result<DecryptReport> decrypt(Keyring& keyring, const DecryptOptions& options, const io::Input& in, const io::Output& out) {
  detail::OperationSetup setup;
  setup.direct_files = true;
  setup.context.passphrase = options.symmetric_passphrase ? options.symmetric_passphrase : options.key_passphrase;
  setup.context.progress = options.progress;
  keyring.will_use_agent();

  auto op = detail::prepare(keyring, std::move(setup), in, out);
  if (!op) return fail(op.error());
  gpgme_ctx_t ctx = op->ctx->get();
  const gpgme_error_t err = gpgme_op_decrypt_ext(ctx, GPGME_DECRYPT_VERIFY, op->in.get(), op->out.get());

  DecryptReport report;
  gpgme_decrypt_result_t result = gpgme_op_decrypt_result(ctx);
  bool any_recipient = false;
  if (result) {
    if (result->symkey_algo) report.cipher = result->symkey_algo;
    if (result->file_name) report.file_name = result->file_name;
    for (auto r = result->recipients; r; r = r->next) {
      any_recipient = true;
      if (r->keyid) report.recipient_key_ids.emplace_back(r->keyid);
    }
    // RFC 4880 5.13: without the modification detection code a changed message cannot be
    // told from the original. Such messages are refused, whatever gpg decided.
    if (result->legacy_cipher_nomdc)
      return fail(Errc::bad_data, "message is not integrity-protected (no MDC); refused");
  }
  if (err) {
    auto code = gpgme_err_code(err);
    if (op->ctx->passphrase_missing()) return fail(Errc::bad_passphrase, "a passphrase is needed to decrypt and none was given");
    // GPGME marks every recipient "no secret key" until one is used, so ask the keyring.
    if (code == GPG_ERR_NO_SECKEY || (any_recipient && !holds_secret_key_for(keyring, report.recipient_key_ids) && !options.symmetric_passphrase))
      return fail(Errc::no_key, "no secret key for this message (encrypted for key ids " + join(report.recipient_key_ids) + ")");
    if (code == GPG_ERR_NO_DATA && !any_recipient && report.cipher.empty())
      return fail(Errc::bad_data, "no OpenPGP encrypted data found");
    if (code == GPG_ERR_NO_DATA) code = GPG_ERR_DECRYPT_FAILED;  // found, but what followed was unreadable
    if (code == GPG_ERR_DECRYPT_FAILED || code == GPG_ERR_BAD_KEY)
      return fail(options.symmetric_passphrase && code == GPG_ERR_BAD_KEY ? Errc::bad_passphrase : Errc::bad_data,
                  code == GPG_ERR_BAD_KEY ? "decryption failed: wrong passphrase or corrupt session key"
                                          : "decryption failed: the message is corrupt, truncated or was modified");
    return fail(detail::gpgme_failure(err, "decryption failed"));
  }

  report.signatures = detail::signature_reports(ctx);
  if (!options.require_signers.empty()) {
    if (auto status = check_signatures(report.signatures, options.require_signers); !status) return fail(status.error());
  }
  return report;
}

}  // namespace payload::pgp
