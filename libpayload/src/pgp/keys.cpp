// payload::pgp key management over GPGME.
#include <payload/pgp/keys.h>

#include <algorithm>
#include <array>
#include <utility>

#include "context.h"

namespace payload::pgp {
namespace {

constexpr std::array<std::pair<KeyType, std::string_view>, 4> kKeyTypes{{
    {KeyType::rsa2048, "rsa2048"},
    {KeyType::rsa3072, "rsa3072"},
    {KeyType::rsa4096, "rsa4096"},
    {KeyType::ed25519, "ed25519"},
}};

Result<detail::Context> plain_context(Keyring& keyring, std::optional<Secret> passphrase = {}, bool armor = false) {
  detail::ContextOptions options;
  options.passphrase = std::move(passphrase);
  options.armor = armor;
  return detail::Context::create(keyring, std::move(options));
}

std::string capabilities_of(bool sign, bool certify, bool encrypt, bool authenticate) {
  std::string caps;
  if (sign) caps += 'S';
  if (certify) caps += 'C';
  if (encrypt) caps += 'E';
  if (authenticate) caps += 'A';
  return caps;
}

KeyInfo key_info(gpgme_key_t key) {
  KeyInfo info;
  info.fingerprint = key->fpr ? key->fpr : "";
  for (auto uid = key->uids; uid; uid = uid->next)
    if (uid->uid) info.user_ids.emplace_back(uid->uid);
  info.capabilities = capabilities_of(key->can_sign, key->can_certify, key->can_encrypt, key->can_authenticate);
  info.revoked = key->revoked;
  info.expired = key->expired;
  info.secret = key->secret;
  for (auto sub = key->subkeys; sub; sub = sub->next) {
    SubkeyInfo s;
    s.fingerprint = sub->fpr ? sub->fpr : "";
    s.key_id = sub->keyid ? sub->keyid : "";
    if (char* algo = gpgme_pubkey_algo_string(sub)) {
      s.algorithm = algo;
      gpgme_free(algo);
    }
    s.length = sub->length;
    s.created = static_cast<std::int64_t>(sub->timestamp);
    s.expires = static_cast<std::int64_t>(sub->expires);
    s.capabilities = capabilities_of(sub->can_sign, sub->can_certify, sub->can_encrypt, sub->can_authenticate);
    s.revoked = sub->revoked;
    s.expired = sub->expired;
    s.secret = sub->secret;
    info.subkeys.push_back(std::move(s));
  }
  if (!info.subkeys.empty()) {
    const auto& primary = info.subkeys.front();
    info.algorithm = primary.algorithm;
    info.length = primary.length;
    info.created = primary.created;
    info.expires = primary.expires;
  }
  return info;
}

}  // namespace

std::optional<KeyType> parse_key_type(std::string_view name) {
  for (const auto& [type, n] : kKeyTypes)
    if (n == name) return type;
  if (name == "rsa") return KeyType::rsa3072;
  if (name == "cv25519" || name == "25519" || name == "curve25519") return KeyType::ed25519;
  return std::nullopt;
}

std::string_view key_type_name(KeyType type) noexcept {
  for (const auto& [t, n] : kKeyTypes)
    if (t == type) return n;
  return "rsa3072";
}

Result<KeyInfo> generate_key(Keyring& keyring, const GenerateOptions& options) {
  if (options.user_id.empty()) return fail(Errc::usage, "a user id is needed to generate a key");
  if (options.expires_in_seconds < 0) return fail(Errc::usage, "expiry must be in the future");
  keyring.will_use_agent();
  auto ctx = plain_context(keyring, options.passphrase);
  if (!ctx) return fail(ctx.error());

  const bool rsa = options.type != KeyType::ed25519;
  const std::string primary_algo(rsa ? key_type_name(options.type) : "ed25519");
  const std::string subkey_algo(rsa ? key_type_name(options.type) : "cv25519");
  unsigned flags = GPGME_CREATE_SIGN | GPGME_CREATE_CERT | GPGME_CREATE_FORCE;
  if (!options.passphrase) flags |= GPGME_CREATE_NOPASSWD;
  if (options.expires_in_seconds == 0) flags |= GPGME_CREATE_NOEXPIRE;
  const auto expires = static_cast<unsigned long>(options.expires_in_seconds);

  if (auto err = gpgme_op_createkey(ctx->get(), options.user_id.c_str(), primary_algo.c_str(), 0, expires, nullptr, flags))
    return fail(detail::gpgme_failure(err, "key generation failed"));
  gpgme_genkey_result_t result = gpgme_op_genkey_result(ctx->get());
  if (!result || !result->fpr) return fail(Errc::internal, "key generation returned no fingerprint");
  const std::string fpr = result->fpr;

  gpgme_key_t raw = nullptr;
  if (auto err = gpgme_get_key(ctx->get(), fpr.c_str(), &raw, 1)) return fail(detail::gpgme_failure(err, fpr));
  detail::Key key(raw);
  if (!options.signing_only) {
    unsigned sub_flags = GPGME_CREATE_ENCR;
    if (!options.passphrase) sub_flags |= GPGME_CREATE_NOPASSWD;
    if (options.expires_in_seconds == 0) sub_flags |= GPGME_CREATE_NOEXPIRE;
    if (auto err = gpgme_op_createsubkey(ctx->get(), key.get(), subkey_algo.c_str(), 0, expires, sub_flags))
      return fail(detail::gpgme_failure(err, "encryption subkey generation failed"));
  }
  return find_key(keyring, fpr, true);
}

Result<ImportReport> import_keys(Keyring& keyring, std::string_view key_data, std::optional<Secret> passphrase) {
  keyring.will_use_agent();  // secret keys go to the agent
  auto ctx = plain_context(keyring, std::move(passphrase));
  if (!ctx) return fail(ctx.error());
  auto data = detail::data_from_memory(key_data);
  if (!data) return fail(data.error());
  if (auto err = gpgme_op_import(ctx->get(), data->get())) return fail(detail::gpgme_failure(err, "import failed"));
  gpgme_import_result_t result = gpgme_op_import_result(ctx->get());
  if (!result || result->considered == 0) return fail(Errc::bad_data, "no OpenPGP key found");
  ImportReport report;
  report.considered = result->considered;
  report.imported = result->imported;
  report.unchanged = result->unchanged;
  report.secret_imported = result->secret_imported;
  for (auto s = result->imports; s; s = s->next)
    if (!s->result && s->fpr) {
      if (std::find(report.fingerprints.begin(), report.fingerprints.end(), s->fpr) == report.fingerprints.end())
        report.fingerprints.emplace_back(s->fpr);
    }
  if (report.fingerprints.empty()) return fail(Errc::bad_data, "no usable OpenPGP key found (" + std::to_string(result->not_imported) + " not imported)");
  return report;
}

Result<std::string> export_keys(Keyring& keyring, const ExportOptions& options) {
  if (options.secret) keyring.will_use_agent();
  auto ctx = plain_context(keyring, options.passphrase, options.armor);
  if (!ctx) return fail(ctx.error());
  auto out = detail::data_empty();
  if (!out) return fail(out.error());
  std::vector<const char*> patterns;
  for (const auto& p : options.patterns) patterns.push_back(p.c_str());
  patterns.push_back(nullptr);
  const gpgme_export_mode_t mode = options.secret ? GPGME_EXPORT_MODE_SECRET : 0;
  if (auto err = gpgme_op_export_ext(ctx->get(), options.patterns.empty() ? nullptr : patterns.data(), mode, out->get()))
    return fail(detail::gpgme_failure(err, "export failed"));
  auto bytes = detail::take_memory(*out);
  if (bytes.empty()) return fail(Errc::no_key, options.secret ? "no matching secret key to export" : "no matching key to export");
  return bytes;
}

Result<std::vector<KeyInfo>> list_keys(Keyring& keyring, const std::vector<std::string>& patterns, bool secret_only) {
  auto ctx = plain_context(keyring);
  if (!ctx) return fail(ctx.error());
  std::vector<const char*> pattern_ptrs;
  for (const auto& p : patterns) pattern_ptrs.push_back(p.c_str());
  pattern_ptrs.push_back(nullptr);
  if (auto err = gpgme_op_keylist_ext_start(ctx->get(), patterns.empty() ? nullptr : pattern_ptrs.data(), secret_only ? 1 : 0, 0))
    return fail(detail::gpgme_failure(err, "key listing failed"));
  std::vector<KeyInfo> keys;
  for (;;) {
    gpgme_key_t raw = nullptr;
    const auto err = gpgme_op_keylist_next(ctx->get(), &raw);
    if (gpgme_err_code(err) == GPG_ERR_EOF) break;
    if (err) return fail(detail::gpgme_failure(err, "key listing failed"));
    detail::Key key(raw);
    keys.push_back(key_info(key.get()));
  }
  if (!secret_only) {
    // The public listing does not say which keys we hold secrets for.
    auto secrets = list_keys(keyring, patterns, true);
    if (secrets)
      for (auto& k : keys)
        for (const auto& s : *secrets)
          if (s.fingerprint == k.fingerprint) {
            k.secret = true;
            for (size_t i = 0; i < k.subkeys.size() && i < s.subkeys.size(); ++i) k.subkeys[i].secret = s.subkeys[i].secret;
          }
  }
  return keys;
}

Result<KeyInfo> find_key(Keyring& keyring, const std::string& selector, bool secret) {
  auto keys = list_keys(keyring, {selector}, secret);
  if (!keys) return fail(keys.error());
  if (keys->empty()) return fail(Errc::no_key, std::string(secret ? "no secret key for " : "no key for ") + selector);
  if (keys->size() > 1) return fail(Errc::usage, selector + ": matches " + std::to_string(keys->size()) + " keys; give the fingerprint");
  return std::move(keys->front());
}

Status delete_key(Keyring& keyring, const std::string& selector, bool with_secret) {
  auto info = find_key(keyring, selector, false);
  if (!info) return fail(info.error());
  if (info->secret && !with_secret)
    return fail(Errc::usage, selector + ": this key has a secret part; deleting it needs the explicit secret flag");
  if (info->secret) keyring.will_use_agent();
  auto ctx = plain_context(keyring);
  if (!ctx) return fail(ctx.error());
  gpgme_key_t raw = nullptr;
  if (auto err = gpgme_get_key(ctx->get(), info->fingerprint.c_str(), &raw, 0)) return fail(detail::gpgme_failure(err, selector));
  detail::Key key(raw);
  const unsigned flags = GPGME_DELETE_FORCE | (with_secret ? GPGME_DELETE_ALLOW_SECRET : 0);
  if (auto err = gpgme_op_delete_ext(ctx->get(), key.get(), flags)) return fail(detail::gpgme_failure(err, "cannot delete " + selector));
  return {};
}

}  // namespace payload::pgp
