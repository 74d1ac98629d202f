// payload hook: file sizes and SHA-256 digests over OpenSSL's EVP interface.
#include "file_digest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include <openssl/evp.h>

#include <payload/io/file.h>

namespace payload::hook {

FileFacts file_facts(const std::filesystem::path& file) {
  FileFacts facts;
  facts.file = file.string();
  io::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return facts;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return facts;
  std::vector<char> buffer(256 * 1024);
  std::uint64_t size = 0;
  for (;;) {
    const auto n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return facts;
    if (n == 0) break;
    size += static_cast<std::uint64_t>(n);
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(n));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) return facts;
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < length; ++i) {
    facts.sha256.push_back(hex[digest[i] >> 4]);
    facts.sha256.push_back(hex[digest[i] & 0xf]);
  }
  facts.size = size;
  return facts;
}

}  // namespace payload::hook
