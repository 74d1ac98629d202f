// payload::pgp signing and verification over GPGME.
#include <payload/pgp/signature.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "operation.h"
#include "verify_result.h"

namespace payload::pgp {

std::string_view status_name(SignatureStatus status) noexcept {
  switch (status) {
    case SignatureStatus::good: return "good";
    case SignatureStatus::bad: return "bad";
    case SignatureStatus::expired_key: return "expired-key";
    case SignatureStatus::revoked_key: return "revoked-key";
    case SignatureStatus::expired_signature: return "expired-signature";
    case SignatureStatus::unknown_key: return "unknown-key";
    case SignatureStatus::error: return "error";
  }
  return "error";
}

namespace {

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  if (text.rfind("0X", 0) == 0) text.erase(0, 2);
  return text;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A selector names a signature's key by its fingerprint, its certificate's fingerprint or
// a 16-hex key id of either.
bool names(const SignatureReport& sig, const std::string& selector) {
  const auto wanted = upper(selector);
  const auto fpr = upper(sig.fingerprint);
  const auto primary = upper(sig.primary_fingerprint);
  if (wanted.empty()) return false;
  if (wanted == fpr || wanted == primary) return true;
  return wanted.size() == 16 && (ends_with(fpr, wanted) || ends_with(primary, wanted));
}

SignatureStatus classify(const _gpgme_signature& s) {
  const auto code = gpgme_err_code(s.status);
  if ((s.summary & GPGME_SIGSUM_RED) || code == GPG_ERR_BAD_SIGNATURE) return SignatureStatus::bad;
  if ((s.summary & GPGME_SIGSUM_KEY_MISSING) || code == GPG_ERR_NO_PUBKEY) return SignatureStatus::unknown_key;
  if ((s.summary & GPGME_SIGSUM_KEY_REVOKED) || code == GPG_ERR_CERT_REVOKED) return SignatureStatus::revoked_key;
  if ((s.summary & GPGME_SIGSUM_KEY_EXPIRED) || code == GPG_ERR_KEY_EXPIRED) return SignatureStatus::expired_key;
  if ((s.summary & GPGME_SIGSUM_SIG_EXPIRED) || code == GPG_ERR_SIG_EXPIRED) return SignatureStatus::expired_signature;
  if (code == GPG_ERR_NO_ERROR && s.validity != GPGME_VALIDITY_NEVER && !s.wrong_key_usage) return SignatureStatus::good;
  return SignatureStatus::error;
}

}  // namespace

Status check_signatures(const std::vector<SignatureReport>& signatures, const std::vector<std::string>& required) {
  if (required.empty()) {
    const auto bad = std::find_if(signatures.begin(), signatures.end(), [](const auto& s) { return s.status == SignatureStatus::bad; });
    if (bad != signatures.end()) return fail(Errc::bad_signature, "BAD signature from " + bad->fingerprint + ": the data or the signature was changed");
    if (std::none_of(signatures.begin(), signatures.end(), [](const auto& s) { return s.good(); })) {
      if (signatures.empty()) return fail(Errc::bad_signature, "no signature found");
      const auto& first = signatures.front();
      return fail(Errc::bad_signature, "no good signature: " + first.fingerprint + " is " + std::string(status_name(first.status)));
    }
    return {};
  }
  for (const auto& selector : required) {
    const bool found = std::any_of(signatures.begin(), signatures.end(), [&](const auto& s) { return s.good() && names(s, selector); });
    if (found) continue;
    const auto other = std::find_if(signatures.begin(), signatures.end(), [&](const auto& s) { return names(s, selector); });
    if (other != signatures.end())
      return fail(Errc::bad_signature, "required signer " + selector + ": signature is " + std::string(status_name(other->status)));
    if (selector.find('@') != std::string::npos)
      return fail(Errc::usage, "required signer " + selector + ": name the key by its fingerprint, not by a user id");
    return fail(Errc::bad_signature, "required signer " + selector + ": no signature by this key");
  }
  return {};
}

namespace detail {
namespace {

// The key of a signature, as gpgme_get_key would find it by the signature's fingerprint:
// the one certificate with a (sub)key of that fingerprint (or 16-hex key id); none when
// two certificates claim it.
const _gpgme_key* key_of(const std::vector<Key>& keys, const std::string& fingerprint) {
  const auto wanted = upper(fingerprint);
  const _gpgme_key* found = nullptr;
  for (const auto& key : keys) {
    bool match = false;
    for (gpgme_subkey_t sub = key->subkeys; sub && !match; sub = sub->next) {
      if (sub->fpr && upper(sub->fpr) == wanted) match = true;
      if (wanted.size() == 16 && sub->keyid && upper(sub->keyid) == wanted) match = true;
    }
    if (!match) continue;
    if (found && found->fpr && key->fpr && std::strcmp(found->fpr, key->fpr) != 0) return nullptr;
    found = key.get();
  }
  return found;
}

// Fills in the certificate fingerprint and user id of every signature whose key is known,
// with one key listing of all the fingerprints on `ctx` itself. gpgme_get_key per
// signature would clone the context (GPGME then starts the engine for --version) and run
// gpg once per signature.
void add_key_details(gpgme_ctx_t ctx, std::vector<SignatureReport>& reports) {
  std::vector<std::string> wanted;
  for (const auto& r : reports) {
    if (r.status == SignatureStatus::unknown_key || r.status == SignatureStatus::bad || r.fingerprint.empty()) continue;
    if (std::find(wanted.begin(), wanted.end(), r.fingerprint) == wanted.end()) wanted.push_back(r.fingerprint);
  }
  if (wanted.empty()) return;
  std::vector<const char*> patterns;
  for (const auto& w : wanted) patterns.push_back(w.c_str());
  patterns.push_back(nullptr);
  std::vector<Key> keys;
  if (gpgme_op_keylist_ext_start(ctx, patterns.data(), 0, 0) != 0) return;
  for (;;) {
    gpgme_key_t raw = nullptr;
    if (gpgme_op_keylist_next(ctx, &raw) != 0) break;
    keys.emplace_back(raw);
  }
  gpgme_op_keylist_end(ctx);
  for (auto& r : reports) {
    if (std::find(wanted.begin(), wanted.end(), r.fingerprint) == wanted.end()) continue;
    const _gpgme_key* key = key_of(keys, r.fingerprint);
    if (!key) continue;
    if (key->fpr) r.primary_fingerprint = key->fpr;
    if (key->uids && key->uids->uid) r.user_id = key->uids->uid;
  }
}

}  // namespace

std::vector<SignatureReport> signature_reports(gpgme_ctx_t ctx) {
  std::vector<SignatureReport> reports;
  gpgme_verify_result_t result = gpgme_op_verify_result(ctx);
  if (!result) return reports;
  for (gpgme_signature_t s = result->signatures; s; s = s->next) {
    SignatureReport r;
    r.status = classify(*s);
    r.fingerprint = s->fpr ? s->fpr : "";
    r.created = static_cast<std::int64_t>(s->timestamp);
    r.expires = static_cast<std::int64_t>(s->exp_timestamp);
    if (const char* name = gpgme_hash_algo_name(s->hash_algo)) r.digest = name;
    if (const char* name = gpgme_pubkey_algo_name(s->pubkey_algo)) r.public_key_algorithm = name;
    if (r.status != SignatureStatus::good) r.detail = gpgme_reason(s->status);
    reports.push_back(std::move(r));
  }
  // Second pass: the key listing below replaces the context's verify result.
  add_key_details(ctx, reports);
  return reports;
}

}  // namespace detail

Result<SignReport> sign(Keyring& keyring, const SignOptions& options, const io::Input& in, const io::Output& out) {
  detail::OperationSetup setup;
  setup.gpg_options = {"--digest-algo", std::string(gpg_name(options.digest))};
  setup.direct_files = true;
  setup.context.armor = options.armor || options.mode == SignMode::clearsign;
  setup.context.text_mode = options.text_mode;
  setup.context.passphrase = options.key_passphrase;
  setup.context.progress = options.progress;
  keyring.will_use_agent();

  auto op = detail::prepare(keyring, std::move(setup), in, out);
  if (!op) return fail(op.error());
  gpgme_ctx_t ctx = op->ctx->get();
  auto signers = detail::lookup_keys(ctx, options.signers, true);
  if (!signers) return fail(signers.error());
  for (const auto& key : *signers) gpgme_signers_add(ctx, key.get());

  const gpgme_sig_mode_t mode = options.mode == SignMode::detached    ? GPGME_SIG_MODE_DETACH
                                : options.mode == SignMode::clearsign ? GPGME_SIG_MODE_CLEAR
                                                                      : GPGME_SIG_MODE_NORMAL;
  const gpgme_error_t err = gpgme_op_sign(ctx, op->in.get(), op->out.get(), mode);
  gpgme_sign_result_t result = gpgme_op_sign_result(ctx);
  if (err) {
    if (op->ctx->passphrase_missing()) return fail(Errc::bad_passphrase, "the signing key needs a passphrase and none was given");
    if (result && result->invalid_signers)
      return fail(Errc::key_unusable, std::string("cannot sign with ") + (result->invalid_signers->fpr ? result->invalid_signers->fpr : "the default key") +
                                          ": " + detail::gpgme_reason(result->invalid_signers->reason));
    return fail(detail::gpgme_failure(err, "signing failed"));
  }
  SignReport report;
  for (auto s = result ? result->signatures : nullptr; s; s = s->next) {
    SignReport::Made made;
    made.fingerprint = s->fpr ? s->fpr : "";
    if (const char* name = gpgme_hash_algo_name(s->hash_algo)) made.digest = name;
    if (const char* name = gpgme_pubkey_algo_name(s->pubkey_algo)) made.public_key_algorithm = name;
    made.created = static_cast<std::int64_t>(s->timestamp);
    report.signatures.push_back(std::move(made));
  }
  if (report.signatures.empty()) return fail(Errc::internal, "signing produced no signature");
  return report;
}

namespace {

Result<detail::Context> verify_context(Keyring& keyring) {
  detail::ContextOptions options;  // verification needs no algorithm options: no shim
  return detail::Context::create(keyring, std::move(options));
}

Error verify_failure(gpgme_error_t err) {
  if (gpgme_err_code(err) == GPG_ERR_NO_DATA) return Error(Errc::bad_data, "no OpenPGP signature found");
  return detail::gpgme_failure(err, "verification failed");
}

}  // namespace

Result<VerifyReport> verify_detached(Keyring& keyring, const io::Input& signed_data, const io::Input& signature) {
  auto op = detail::prepare_detached_verification(keyring, signed_data, signature);
  if (!op) return fail(op.error());
  if (const auto err = gpgme_op_verify(op->ctx->get(), op->signature.get(), op->signed_text.get(), nullptr))
    return fail(verify_failure(err));
  VerifyReport report;
  report.signatures = detail::signature_reports(op->ctx->get());
  if (report.signatures.empty()) return fail(Errc::bad_data, "no OpenPGP signature found");
  return report;
}

Result<VerifyReport> verify_inline(Keyring& keyring, const io::Input& message, const io::Output& out) {
  auto ctx = verify_context(keyring);
  if (!ctx) return fail(ctx.error());
  auto sig = detail::data_from_fd(message.fd);
  if (!sig) return fail(sig.error());
  auto plain = detail::data_from_fd(out.fd);
  if (!plain) return fail(plain.error());
  if (const auto err = gpgme_op_verify(ctx->get(), sig->get(), nullptr, plain->get())) return fail(verify_failure(err));
  VerifyReport report;
  report.signatures = detail::signature_reports(ctx->get());
  if (report.signatures.empty()) return fail(Errc::bad_data, "no OpenPGP signature found");
  return report;
}

}  // namespace payload::pgp
