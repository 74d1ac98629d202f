// Private helpers of payload::sig: digests, RSA padding parameters, chunked reading.
#include "openssl_sig.h"

#include <openssl/rsa.h>

#include <unistd.h>

#include <cerrno>
#include <vector>

namespace payload::sig::detail {

const EVP_MD* evp_md(Digest digest) noexcept {
  switch (digest) {
    case Digest::sha224: return EVP_sha224();
    case Digest::sha256: return EVP_sha256();
    case Digest::sha384: return EVP_sha384();
    case Digest::sha512: return EVP_sha512();
  }
  return EVP_sha256();
}

bool set_padding(EVP_PKEY_CTX* ctx, Padding padding, Digest digest, int pss_salt) noexcept {
  if (padding == Padding::pkcs1v15) return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0;
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, evp_md(digest)) > 0 && EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, pss_salt) > 0;
}

Status stream(const io::Input& input, const io::ProgressFn& progress,
              const std::function<bool(const void* data, std::size_t size)>& update) {
  // 256 KiB: large enough that the digest, not the system calls, sets the pace.
  std::vector<char> buffer(256 * 1024);
  std::uint64_t done = 0;
  for (;;) {
    const ssize_t n = ::read(input.fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(io::errno_error(input.path.empty() ? "input" : input.path.string(), errno));
    }
    if (n == 0) return {};
    if (!update(buffer.data(), static_cast<std::size_t>(n)))
      return fail(cms::detail::openssl_error(Errc::internal, "digest update failed"));
    done += static_cast<std::uint64_t>(n);
    if (progress) progress(done, input.size);
  }
}

}  // namespace payload::sig::detail
