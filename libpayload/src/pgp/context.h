// The one place GPGME is touched directly: an RAII context bound to a keyring, with
// loopback pinentry, a passphrase callback, an optional engine shim, and the mapping of
// gpgme errors onto payload::Errc.
#pragma once

#include <gpgme.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <payload/core/error.h>
#include <payload/core/secret.h>
#include <payload/io/file.h>
#include <payload/pgp/keyring.h>

namespace payload::pgp::detail {

// Initialises GPGME once per process (thread setup; must precede threads).
Status ensure_gpgme();

// The gpg binary GPGME would run.
std::string gpg_program();

struct ContextOptions {
  bool armor = false;
  bool text_mode = false;
  std::optional<Secret> passphrase;  // answered to every loopback pinentry request
  std::filesystem::path engine;           // a shim to run instead of gpg; empty for gpg itself
  io::ProgressFn progress;
};

class Context final {
public:
  static Result<Context> create(Keyring& keyring, ContextOptions options);
  Context(Context&&) noexcept;
  Context& operator=(Context&&) = delete;
  ~Context();

  [[nodiscard]] gpgme_ctx_t get() const noexcept { return m_ctx; }
  // True when gpg asked for a passphrase and none was configured.
  [[nodiscard]] bool passphrase_missing() const noexcept;

private:
  struct Callbacks;
  Context(gpgme_ctx_t ctx, std::unique_ptr<Callbacks> callbacks);
  gpgme_ctx_t m_ctx = nullptr;
  std::unique_ptr<Callbacks> m_callbacks;
};

// RAII for data objects.
struct DataDeleter {
  void operator()(gpgme_data_t data) const noexcept { gpgme_data_release(data); }
};
using Data = std::unique_ptr<gpgme_data, DataDeleter>;

struct KeyDeleter {
  void operator()(gpgme_key_t key) const noexcept { gpgme_key_unref(key); }
};
using Key = std::unique_ptr<_gpgme_key, KeyDeleter>;

// Data objects over descriptors and memory. Descriptor objects stream: nothing is
// buffered beyond GPGME's own copy buffer.
Result<Data> data_from_fd(int fd);
Result<Data> data_from_memory(std::string_view bytes);
Result<Data> data_empty();
// Takes the bytes of a memory data object.
std::string take_memory(Data& data);

// True when a passphrase request is for a secret key: gpg's NEED_PASSPHRASE info (GPGME's
// passphrase_info) starts with the 16-hex key id, NEED_PASSPHRASE_SYM's with the cipher number.
bool passphrase_is_for_key(const char* passphrase_info) noexcept;

// Maps a gpgme error onto an Errc and one line: "<what>: <gpgme's reason>".
Error gpgme_failure(gpgme_error_t err, const std::string& what);
Errc errc_from_gpgme(gpgme_error_t err) noexcept;
std::string gpgme_reason(gpgme_error_t err);

}  // namespace payload::pgp::detail
