// GPGME contexts, data objects and error mapping.
#include "context.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <mutex>

namespace payload::pgp::detail {

namespace {

// The first executable `name` in PATH, as execvp would find it.
std::optional<std::string> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    const auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

// GPGME 1.18 probes every engine it knows when it starts: `gpgconf --list-dirs`,
// `gpgconf --list-components`, `gpg --version`, `gpgsm --version`, `gpgconf --version`,
// five process starts in every `payload` call. Only the OpenPGP engine is used through
// GPGME here (CMS is OpenSSL's, gpgconf is run directly where needed), so GPGME is told
// not to use gpgconf and given gpg's path (the one the engine shim and execvp would run):
// its start then costs one `gpg --version`. Without a gpg in PATH, GPGME searches as usual.
void name_gpg_directly() {
  const auto gpg = find_in_path("gpg");
  if (!gpg) return;
  if (gpgme_set_global_flag("disable-gpgconf", "") == 0) gpgme_set_global_flag("gpg-name", gpg->c_str());
}

}  // namespace

Status ensure_gpgme() {
  static std::once_flag once;
  static gpgme_error_t init_error = 0;
  std::call_once(once, [] {
    name_gpg_directly();  // before GPGME's initialisation, which reads these flags
    if (!gpgme_check_version("1.18.0")) {
      init_error = gpg_error(GPG_ERR_NOT_SUPPORTED);
      return;
    }
    init_error = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
  });
  if (init_error) return fail(Errc::unsupported, "GPGME 1.18 or later with a working gpg engine is required: " + gpgme_reason(init_error));
  return {};
}

std::string gpg_program() {
  gpgme_engine_info_t info = nullptr;
  if (gpgme_get_engine_info(&info) == 0) {
    for (; info; info = info->next)
      if (info->protocol == GPGME_PROTOCOL_OpenPGP && info->file_name) return info->file_name;
  }
  return "gpg";
}

std::string gpgme_reason(gpgme_error_t err) {
  char buffer[256];
  gpgme_strerror_r(err, buffer, sizeof buffer);
  return buffer;
}

Errc errc_from_gpgme(gpgme_error_t err) noexcept {
  switch (gpgme_err_code(err)) {
    case GPG_ERR_NO_ERROR: return Errc::ok;
    case GPG_ERR_BAD_PASSPHRASE:
    case GPG_ERR_NO_PASSPHRASE: return Errc::bad_passphrase;
    case GPG_ERR_NO_SECKEY:
    case GPG_ERR_NO_PUBKEY:
    case GPG_ERR_NOT_FOUND: return Errc::no_key;
    case GPG_ERR_UNUSABLE_PUBKEY:
    case GPG_ERR_UNUSABLE_SECKEY:
    case GPG_ERR_KEY_EXPIRED:
    case GPG_ERR_CERT_REVOKED:
    case GPG_ERR_CERT_EXPIRED:
    case GPG_ERR_WRONG_KEY_USAGE: return Errc::key_unusable;
    case GPG_ERR_BAD_SIGNATURE: return Errc::bad_signature;
    case GPG_ERR_DECRYPT_FAILED:
    case GPG_ERR_NO_DATA:
    case GPG_ERR_BAD_DATA:
    case GPG_ERR_INV_PACKET:
    case GPG_ERR_INV_DATA:
    case GPG_ERR_BAD_KEY:
    case GPG_ERR_CHECKSUM:
    case GPG_ERR_INV_ARMOR:
    case GPG_ERR_UNEXPECTED:
    case GPG_ERR_TRUNCATED: return Errc::bad_data;
    case GPG_ERR_CANCELED:
    case GPG_ERR_FULLY_CANCELED:
    case GPG_ERR_TIMEOUT: return Errc::canceled;
    case GPG_ERR_UNSUPPORTED_ALGORITHM:
    case GPG_ERR_PUBKEY_ALGO:
    case GPG_ERR_CIPHER_ALGO:
    case GPG_ERR_DIGEST_ALGO:
    case GPG_ERR_NOT_SUPPORTED: return Errc::unsupported;
    case GPG_ERR_INV_VALUE:
    case GPG_ERR_INV_NAME:
    case GPG_ERR_INV_USER_ID:
    case GPG_ERR_AMBIGUOUS_NAME: return Errc::usage;
    case GPG_ERR_EPIPE:
    case GPG_ERR_EIO:
    case GPG_ERR_ENOSPC:
    case GPG_ERR_EACCES:
    case GPG_ERR_ENOENT: return Errc::io;
    default: return Errc::internal;
  }
}

bool passphrase_is_for_key(const char* passphrase_info) noexcept {
  if (!passphrase_info) return false;
  const std::string_view info(passphrase_info);
  const auto first = info.substr(0, info.find(' '));
  return first.size() == 16;
}

Error gpgme_failure(gpgme_error_t err, const std::string& what) {
  return Error(errc_from_gpgme(err), what + ": " + gpgme_reason(err));
}

struct Context::Callbacks {
  ContextOptions options;
  bool passphrase_missing = false;

  static gpgme_error_t on_passphrase(void* hook, const char* /*uid_hint*/, const char* info, int prev_was_bad, int fd) {
    auto* self = static_cast<Callbacks*>(hook);
    if (!self->options.passphrase) {
      self->passphrase_missing = true;
      // An empty answer fails the locked key alone: gpg then goes on to the message's
      // other ways in (another secret key, a password packet). Refusing would cancel the
      // whole operation. The error stays "no passphrase" when nothing else works.
      if (!passphrase_is_for_key(info)) return gpg_error(GPG_ERR_NO_PASSPHRASE);
      return gpgme_io_writen(fd, "\n", 1) != 0 ? gpg_error_from_syserror() : 0;
    }
    // gpg asks again after a wrong answer; repeating it would only loop.
    if (prev_was_bad) return gpg_error(GPG_ERR_BAD_PASSPHRASE);
    // The passphrase and its newline in two writes: no copy of the secret to wipe.
    const std::string& passphrase = self->options.passphrase->str();
    if (gpgme_io_writen(fd, passphrase.data(), passphrase.size()) != 0) return gpg_error_from_syserror();
    if (gpgme_io_writen(fd, "\n", 1) != 0) return gpg_error_from_syserror();
    return 0;
  }

  static void on_progress(void* hook, const char* /*what*/, int /*type*/, int current, int total) {
    auto* self = static_cast<Callbacks*>(hook);
    // gpg reports progress in KiB units once sizes exceed int range; ratios are what matter.
    self->options.progress(static_cast<std::uint64_t>(current), static_cast<std::uint64_t>(total));
  }
};

Context::Context(gpgme_ctx_t ctx, std::unique_ptr<Callbacks> callbacks) : m_ctx(ctx), m_callbacks(std::move(callbacks)) {}

Context::Context(Context&& other) noexcept : m_ctx(other.m_ctx), m_callbacks(std::move(other.m_callbacks)) {
  other.m_ctx = nullptr;
}

Context::~Context() {
  if (m_ctx) gpgme_release(m_ctx);
}

bool Context::passphrase_missing() const noexcept { return m_callbacks->passphrase_missing; }

Result<Context> Context::create(Keyring& keyring, ContextOptions options) {
  if (auto status = ensure_gpgme(); !status) return fail(status.error());
  gpgme_ctx_t raw = nullptr;
  if (auto err = gpgme_new(&raw)) return fail(gpgme_failure(err, "cannot create a GPGME context"));
  auto callbacks = std::make_unique<Callbacks>();
  callbacks->options = std::move(options);
  Context ctx(raw, std::move(callbacks));
  const auto& opts = ctx.m_callbacks->options;

  const std::string engine = opts.engine.empty() ? std::string() : opts.engine.string();
  if (auto err = gpgme_ctx_set_engine_info(raw, GPGME_PROTOCOL_OpenPGP, engine.empty() ? nullptr : engine.c_str(),
                                           keyring.engine_home().c_str()))
    return fail(gpgme_failure(err, keyring.home().string()));
  gpgme_set_protocol(raw, GPGME_PROTOCOL_OpenPGP);
  gpgme_set_armor(raw, opts.armor ? 1 : 0);
  gpgme_set_textmode(raw, opts.text_mode ? 1 : 0);
  gpgme_set_offline(raw, 1);  // never reach out to keyservers or the network
  if (auto err = gpgme_set_pinentry_mode(raw, GPGME_PINENTRY_MODE_LOOPBACK))
    return fail(gpgme_failure(err, "loopback pinentry"));
  gpgme_set_passphrase_cb(raw, &Callbacks::on_passphrase, ctx.m_callbacks.get());
  // Symmetric passphrases would otherwise be cached by the agent and a wrong one "work".
  gpgme_set_ctx_flag(raw, "no-symkey-cache", "1");
  if (opts.progress) gpgme_set_progress_cb(raw, &Callbacks::on_progress, ctx.m_callbacks.get());
  return ctx;
}

Result<Data> data_from_fd(int fd) {
  gpgme_data_t raw = nullptr;
  if (auto err = gpgme_data_new_from_fd(&raw, fd)) return fail(gpgme_failure(err, "data object"));
  return Data(raw);
}

Result<Data> data_from_memory(std::string_view bytes) {
  gpgme_data_t raw = nullptr;
  if (auto err = gpgme_data_new_from_mem(&raw, bytes.data(), bytes.size(), 1)) return fail(gpgme_failure(err, "data object"));
  return Data(raw);
}

Result<Data> data_empty() {
  gpgme_data_t raw = nullptr;
  if (auto err = gpgme_data_new(&raw)) return fail(gpgme_failure(err, "data object"));
  return Data(raw);
}

std::string take_memory(Data& data) {
  size_t length = 0;
  char* bytes = gpgme_data_release_and_get_mem(data.release(), &length);
  std::string out(bytes ? bytes : "", bytes ? length : 0);
  gpgme_free(bytes);
  return out;
}

}  // namespace payload::pgp::detail
