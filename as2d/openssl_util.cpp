// as2d's direct OpenSSL calls.
#include "openssl_util.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>

namespace as2d {

using payload::Errc;
using payload::fail;

namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

int passphrase_callback(char* buffer, int size, int, void* user) {
  const auto* passphrase = static_cast<const std::string*>(user);  // the Secret's own bytes, not a copy
  if (passphrase == nullptr || passphrase->size() > static_cast<std::size_t>(size)) return -1;
  std::copy(passphrase->begin(), passphrase->end(), buffer);
  return static_cast<int>(passphrase->size());
}

}  // namespace

std::string openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text += (text.empty() ? "" : "; ") + std::string(buffer);
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

payload::Result<EvpPkeyPtr> read_pem_private_key(const std::filesystem::path& file, const std::optional<Secret>& passphrase) {
  ERR_clear_error();
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) return fail(Errc::io, file.string() + ": " + openssl_errors());
  void* user = passphrase ? const_cast<std::string*>(&passphrase->str()) : nullptr;  // read only by the callback
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, user));
  if (!key)
    return fail(Errc::bad_passphrase, file.string() + ": cannot be read (wrong or missing passphrase?): " + openssl_errors());
  return key;
}

}  // namespace as2d
