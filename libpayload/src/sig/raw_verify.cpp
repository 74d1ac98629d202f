// payload::sig raw verification: recover the scheme, hash the file once with
// EVP_DigestVerify, then judge the certificate the key came from.
#include <openssl/rsa.h>

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

// EVP_DigestVerify over the whole input. True: the signature matches the content.
Result<bool> digest_verify(const io::Input& content, std::string_view signature, EVP_PKEY* key, Padding padding,
                           Digest digest) {
  ERR_clear_error();
  std::unique_ptr<EVP_MD_CTX, cms::detail::Deleter<EVP_MD_CTX, EVP_MD_CTX_free>> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  // Any salt length: OpenSSL signs with the longest salt by default, we with the digest's.
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, evp_md(digest), nullptr, key) != 1 ||
      !set_padding(pctx, padding, digest, RSA_PSS_SALTLEN_AUTO))
    return fail(cms::detail::openssl_error(Errc::internal, "cannot set up the RSA verification"));
  if (auto s = stream(content, {}, EVP_DigestVerifyUpdate, ctx.get()); !s) return fail(s.error());
  const int rc = EVP_DigestVerifyFinal(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
  ERR_clear_error();
  return rc == 1;
}

}  // namespace

Result<SignatureCheck> verify_raw(const io::Input& content, std::string_view signature, const PublicKey& key,
                                  const std::optional<cms::Certificate>& certificate, const VerifyOptions& options) {
  EVP_PKEY* pk = pkey(key);
  const int type = pk != nullptr ? EVP_PKEY_get_base_id(pk) : 0;
  if (type != EVP_PKEY_RSA && type != EVP_PKEY_RSA_PSS)
    return fail(Errc::usage, "raw signatures are checked with RSA keys, not " + key.key_type());
  const std::string signer = certificate ? certificate->info().subject : key_label(key);
  const Padding wanted_padding = options.padding.value_or(Padding::pss);
  const auto modulus_bytes = static_cast<std::size_t>((EVP_PKEY_get_bits(pk) + 7) / 8);
  if (signature.size() != modulus_bytes)
    return make_check(kind_of(wanted_padding), CheckStatus::bad, signer, "",
                   "the signature is " + std::to_string(signature.size()) + " bytes, but " + signer + " makes " +
                       std::to_string(modulus_bytes) + "-byte signatures");

  auto scheme = recover_scheme(pk, signature);
  if (!scheme) {
    // Nothing decodes: another key made it, or it is damaged. With both padding and
    // digest named, OpenSSL still has the last word (e.g. PSS with an unusual MGF1).
    if (!options.padding || !options.digest)
      return make_check(kind_of(wanted_padding), CheckStatus::bad, signer, "",
                     "the signature was not made with " + signer + " (or it is damaged)");
    scheme = RecoveredScheme{*options.padding, *options.digest, std::string(name(*options.digest))};
  }
  const SignatureKind kind = kind_of(scheme->padding);
  if (!scheme->digest)
    return make_check(kind, CheckStatus::digest_refused, signer, scheme->digest_name,
                   "the signature uses " + scheme->digest_name + "; only SHA-2 digests are accepted");
  if (options.padding && *options.padding != scheme->padding)
    return make_check(kind, CheckStatus::bad, signer, scheme->digest_name,
                   "the signature uses " + std::string(name(scheme->padding)) + ", but " +
                       std::string(name(*options.padding)) + " was required");
  if (options.digest && *options.digest != *scheme->digest)
    return make_check(kind, CheckStatus::bad, signer, scheme->digest_name,
                   "the signature uses " + scheme->digest_name + ", but " + std::string(name(*options.digest)) +
                       " was required");

  auto matches = digest_verify(content, signature, pk, scheme->padding, *scheme->digest);
  if (!matches) return fail(matches.error());
  if (!*matches)
    return make_check(kind, CheckStatus::bad, signer, scheme->digest_name,
                   "the content does not match the signature (changed since it was signed)");

  if (certificate) {
    const auto now = options.now.value_or(std::chrono::system_clock::now());
    const CertificateProblem problem = check_certificate(*certificate, now);
    const CheckStatus status = problem == CertificateProblem::expired         ? CheckStatus::certificate_expired
                               : problem == CertificateProblem::not_yet_valid ? CheckStatus::certificate_not_yet_valid
                               : problem == CertificateProblem::key_usage     ? CheckStatus::certificate_key_usage
                                                                              : CheckStatus::good;
    if (status != CheckStatus::good) return make_check(kind, status, signer, scheme->digest_name, describe(problem, *certificate));
  }
  return make_check(kind, CheckStatus::good, signer, scheme->digest_name, "");
}

}  // namespace payload::sig
