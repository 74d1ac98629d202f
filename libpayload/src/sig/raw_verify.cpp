// payload::sig raw verification: recover the candidate schemes from the signature, hash
// the file once with every candidate digest (normally one), check each with OpenSSL,
// then judge the certificate the key came from.
#include <openssl/rsa.h>

#include <algorithm>
#include <map>

#include <payload/sig/verify_any.h>

#include "checks.h"
#include "openssl_sig.h"
#include "raw_scheme.h"

namespace payload::sig {

using namespace detail;

namespace {

std::string key_label(const PublicKey& key) {
  return key.key_type() + "-" + std::to_string(key.bits()) + " key SHA256:" + key.sha256_fingerprint();
}

SignatureKind kind_of(Padding padding) {
  return padding == Padding::pss ? SignatureKind::raw_rsa_pss : SignatureKind::raw_rsa_pkcs1;
}

// The digests of the whole input, one pass for all of them.
Result<std::map<Digest, std::string>> digests_of(const io::Input& content, const std::vector<Digest>& digests) {
  std::vector<MdCtxPtr> contexts;
  for (const auto digest : digests) {
    contexts.emplace_back(EVP_MD_CTX_new());
    if (!contexts.back() || EVP_DigestInit_ex(contexts.back().get(), evp_md(digest), nullptr) != 1)
      return fail(cms::detail::openssl_error(Errc::internal, "cannot start a digest"));
  }
  const auto update = [&contexts](const void* data, std::size_t size) {
    return std::all_of(contexts.begin(), contexts.end(), [&](const MdCtxPtr& c) { return EVP_DigestUpdate(c.get(), data, size) == 1; });
  };
  if (auto s = stream(content, {}, update); !s) return fail(s.error());
  std::map<Digest, std::string> out;
  for (std::size_t i = 0; i < digests.size(); ++i) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(contexts[i].get(), md, &size) != 1)
      return fail(cms::detail::openssl_error(Errc::internal, "digest failed"));
    out[digests[i]] = std::string(reinterpret_cast<char*>(md), size);
  }
  return out;
}

// OpenSSL's verdict on `signature` over a message digest: padding checked, any PSS salt.
bool verifies(EVP_PKEY* key, Padding padding, Digest digest, const std::string& hash, std::string_view signature) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  const bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 && set_padding(ctx.get(), padding, digest, RSA_PSS_SALTLEN_AUTO) &&
                  EVP_PKEY_CTX_set_signature_md(ctx.get(), evp_md(digest)) > 0 &&
                  EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                  reinterpret_cast<const unsigned char*>(hash.data()), hash.size()) == 1;
  ERR_clear_error();
  return ok;
}

CheckStatus certificate_status(CertificateProblem problem) {
  switch (problem) {
    case CertificateProblem::expired: return CheckStatus::certificate_expired;
    case CertificateProblem::not_yet_valid: return CheckStatus::certificate_not_yet_valid;
    case CertificateProblem::key_usage: return CheckStatus::certificate_key_usage;
    case CertificateProblem::none: break;
  }
  return CheckStatus::good;
}

}  // namespace

Result<SignatureCheck> verify_raw(const io::Input& content, std::string_view signature, const PublicKey& key,
                                  const std::optional<cms::Certificate>& certificate, const VerifyOptions& options) {
  EVP_PKEY* pk = pkey(key);
  const int type = pk != nullptr ? EVP_PKEY_get_base_id(pk) : 0;
  if (type != EVP_PKEY_RSA && type != EVP_PKEY_RSA_PSS)
    return fail(Errc::usage, "raw signatures are checked with RSA keys, not " + key.key_type());
  const std::string signer = certificate ? certificate->info().subject : key_label(key);
  const SignatureKind wanted_kind = kind_of(options.padding.value_or(Padding::pss));
  const auto modulus_bytes = static_cast<std::size_t>((EVP_PKEY_get_bits(pk) + 7) / 8);
  if (signature.size() != modulus_bytes)
    return make_check(wanted_kind, CheckStatus::bad, signer, "",
                      "the signature is " + std::to_string(signature.size()) + " bytes, but " + signer + " makes " +
                          std::to_string(modulus_bytes) + "-byte signatures");

  auto schemes = recover_schemes(pk, signature);
  if (schemes.empty()) {
    // Nothing decodes: another key made it, or it is damaged. With both padding and
    // digest named, OpenSSL still has the last word (e.g. PSS with an unusual MGF1).
    if (!options.padding || !options.digest)
      return make_check(wanted_kind, CheckStatus::bad, signer, "",
                        "the signature was not made with " + signer + " (or it is damaged)");
    schemes.push_back(RecoveredScheme{*options.padding, *options.digest, std::string(name(*options.digest))});
  }
  // SHA-1 and MD5 only count when nothing else decodes; then they are refused by policy.
  std::vector<RecoveredScheme> sha2;
  std::copy_if(schemes.begin(), schemes.end(), std::back_inserter(sha2), [](const auto& s) { return s.digest.has_value(); });
  if (sha2.empty())
    return make_check(kind_of(schemes.front().padding), CheckStatus::digest_refused, signer, schemes.front().digest_name,
                      "the signature uses " + schemes.front().digest_name + "; only SHA-2 digests are accepted");
  // What the caller insists on.
  const auto& first = sha2.front();
  std::erase_if(sha2, [&options](const RecoveredScheme& s) {
    return (options.padding && *options.padding != s.padding) || (options.digest && *options.digest != *s.digest);
  });
  if (sha2.empty()) {
    const std::string wanted = options.padding && *options.padding != first.padding ? std::string(name(*options.padding))
                                                                                      : std::string(name(*options.digest));
    return make_check(kind_of(first.padding), CheckStatus::bad, signer, first.digest_name,
                      "the signature uses " + std::string(name(first.padding)) + " with " + first.digest_name + ", but " +
                          wanted + " was required");
  }

  std::vector<Digest> digests;
  for (const auto& s : sha2)
    if (std::find(digests.begin(), digests.end(), *s.digest) == digests.end()) digests.push_back(*s.digest);
  auto hashes = digests_of(content, digests);
  if (!hashes) return fail(hashes.error());
  const auto match = std::find_if(sha2.begin(), sha2.end(), [&](const RecoveredScheme& s) {
    return verifies(pk, s.padding, *s.digest, hashes->at(*s.digest), signature);
  });
  if (match == sha2.end())
    return make_check(kind_of(first.padding), CheckStatus::bad, signer, first.digest_name,
                      "the content does not match the signature (changed since it was signed)");

  const SignatureKind kind = kind_of(match->padding);
  if (certificate) {
    const CertificateProblem problem = check_certificate(*certificate, options.now.value_or(std::chrono::system_clock::now()));
    if (problem != CertificateProblem::none)
      return make_check(kind, certificate_status(problem), signer, match->digest_name, describe(problem, *certificate));
  }
  return make_check(kind, CheckStatus::good, signer, match->digest_name, "");
}

}  // namespace payload::sig
