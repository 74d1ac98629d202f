// payload::mdn MIC values: digests over OpenSSL EVP, the Received-Content-MIC syntax.
#include <payload/mdn/mic.h>

#include <openssl/evp.h>

#include <payload/mime/base64.h>

#include "text.h"

namespace payload::mdn {

using cms::DigestAlg;

namespace {

const EVP_MD* evp_md(DigestAlg digest) noexcept {
  switch (digest) {
    case DigestAlg::md5: return EVP_md5();
    case DigestAlg::sha1: return EVP_sha1();
    case DigestAlg::sha224: return EVP_sha224();
    case DigestAlg::sha256: return EVP_sha256();
    case DigestAlg::sha384: return EVP_sha384();
    case DigestAlg::sha512: return EVP_sha512();
  }
  return nullptr;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string_view micalg_name(DigestAlg digest, MicalgSpelling spelling) noexcept {
  const bool hyphen = spelling == MicalgSpelling::rfc5751;
  switch (digest) {
    case DigestAlg::md5: return "md5";
    case DigestAlg::sha1: return hyphen ? "sha-1" : "sha1";
    case DigestAlg::sha224: return hyphen ? "sha-224" : "sha224";
    case DigestAlg::sha256: return hyphen ? "sha-256" : "sha256";
    case DigestAlg::sha384: return hyphen ? "sha-384" : "sha384";
    case DigestAlg::sha512: return hyphen ? "sha-512" : "sha512";
  }
  return "unknown";
}

std::string Mic::base64() const { return mime::base64_encode(digest, 0); }

std::string Mic::to_string(MicalgSpelling spelling) const {
  return base64() + ", " + std::string(micalg_name(algorithm, spelling));
}

Result<Mic> parse_mic(std::string_view value) {
  const std::string_view text = detail::trim(value);
  if (text.empty()) return fail(Errc::bad_data, "Received-Content-MIC is empty");
  std::string_view encoded;
  std::string_view name;
  if (const std::size_t comma = text.rfind(','); comma != std::string_view::npos) {
    encoded = detail::trim(text.substr(0, comma));
    name = detail::trim(text.substr(comma + 1));
  } else {
    // No comma: accept "BASE64 sha256" when the last word names an algorithm.
    const std::size_t space = text.find_last_of(" \t\r\n");
    if (space == std::string_view::npos || !cms::parse_micalg(detail::trim(text.substr(space + 1)))) {
      return fail(Errc::bad_data, "Received-Content-MIC '" + detail::excerpt(text) + "' names no digest algorithm");
    }
    encoded = detail::trim(text.substr(0, space));
    name = detail::trim(text.substr(space + 1));
  }
  if (name.empty()) return fail(Errc::bad_data, "Received-Content-MIC '" + detail::excerpt(text) + "' names no digest algorithm");
  if (encoded.empty()) return fail(Errc::bad_data, "Received-Content-MIC '" + detail::excerpt(text) + "' has no digest");
  const auto algorithm = cms::parse_micalg(name);
  if (!algorithm) {
    return fail(Errc::unsupported, "Received-Content-MIC uses an unknown digest algorithm '" + detail::excerpt(name) + "'");
  }
  auto digest = mime::base64_decode(encoded);
  if (!digest) return fail(digest.error().with_context("Received-Content-MIC"));
  if (digest->size() != cms::digest_size(*algorithm)) {
    return fail(Errc::bad_data, "Received-Content-MIC has a " + std::to_string(digest->size()) + "-byte digest labelled " +
                                    std::string(micalg_name(*algorithm)) + ", which has " +
                                    std::to_string(cms::digest_size(*algorithm)) + " bytes");
  }
  return Mic{*algorithm, std::move(*digest)};
}

struct MicHasher::State {
  DigestAlg algorithm;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx;
};

MicHasher::MicHasher(std::unique_ptr<State> state) noexcept : m_state(std::move(state)) {}
MicHasher::MicHasher(MicHasher&& other) noexcept = default;
MicHasher& MicHasher::operator=(MicHasher&& other) noexcept = default;
MicHasher::~MicHasher() = default;

Result<MicHasher> MicHasher::start(DigestAlg algorithm) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  const EVP_MD* md = evp_md(algorithm);
  if (!ctx || md == nullptr || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
    return fail(Errc::internal, "cannot start a " + std::string(micalg_name(algorithm)) + " digest");
  }
  return MicHasher(std::make_unique<State>(State{algorithm, std::move(ctx)}));
}

Status MicHasher::update(std::string_view chunk) {
  if (!m_state || !m_state->ctx) return fail(Errc::usage, "MIC hasher used after finish()");
  if (EVP_DigestUpdate(m_state->ctx.get(), chunk.data(), chunk.size()) != 1) {
    return fail(Errc::internal, "digest update failed");
  }
  return {};
}

Result<Mic> MicHasher::finish() {
  if (!m_state || !m_state->ctx) return fail(Errc::usage, "MIC hasher finished twice");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const int ok = EVP_DigestFinal_ex(m_state->ctx.get(), digest, &size);
  m_state->ctx.reset();
  if (ok != 1) return fail(Errc::internal, "digest finalisation failed");
  return Mic{m_state->algorithm, std::string(reinterpret_cast<const char*>(digest), size)};
}

Result<Mic> compute_mic(std::string_view bytes, DigestAlg algorithm) {
  auto hasher = MicHasher::start(algorithm);
  if (!hasher) return fail(hasher.error());
  if (auto status = hasher->update(bytes); !status) return fail(status.error());
  return hasher->finish();
}

}  // namespace payload::mdn
