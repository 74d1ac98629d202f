// payload::sig verify_signature(): recognise, then hand to the verifier of the family.
#include <payload/sig/verify_any.h>

#include <unistd.h>

#include "checks.h"
#include "openssl_sig.h"
#include "raw_scheme.h"

namespace payload::sig {

namespace detail {

SignatureCheck make_check(SignatureKind kind, CheckStatus status, std::string signer, std::string digest, std::string detail) {
  SignatureCheck check;
  check.kind = kind;
  check.status = status;
  check.signer = std::move(signer);
  check.digest = std::move(digest);
  check.detail = std::move(detail);
  return check;
}

Result<std::vector<RsaAnchor>> rsa_anchors(const TrustAnchors& anchors) {
  std::vector<RsaAnchor> out;
  const auto add = [&out](PublicKey key, std::optional<cms::Certificate> certificate) {
    const int type = EVP_PKEY_get_base_id(pkey(key));
    if (type != EVP_PKEY_RSA && type != EVP_PKEY_RSA_PSS) return;
    const auto bytes = static_cast<std::size_t>((key.bits() + 7) / 8);
    out.push_back(RsaAnchor{std::move(key), std::move(certificate), bytes});
  };
  for (const auto& file : anchors.certificates) {
    auto certs = cms::Certificate::load_all(file);
    if (!certs) return fail(certs.error());
    for (const auto& c : *certs) add(PublicKey::of(c), c);
  }
  for (const auto& file : anchors.public_keys) {
    auto key = PublicKey::load(file);
    if (!key) return fail(key.error());
    add(*key, std::nullopt);
  }
  return out;
}

Result<SignatureCheck> verify_raw_any(const std::filesystem::path& file, const std::string& signature,
                                      const TrustAnchors& anchors, const VerifyOptions& options) {
  auto keys = rsa_anchors(anchors);
  if (!keys) return fail(keys.error());
  std::size_t tried = 0;
  // The verdict of a key under which the signature decodes but does not match: the
  // answer unless another key (a wrong key decodes by chance about once in 7000) does.
  std::optional<SignatureCheck> mismatch;
  for (const auto& anchor : *keys) {
    if (anchor.modulus_bytes != signature.size()) continue;
    ++tried;
    // The key whose public operation yields a well-formed encoding made the signature.
    // With padding and digest named, OpenSSL judges every key of the size itself.
    const bool recovered = !recover_schemes(pkey(anchor.key), signature).empty();
    if (!recovered && !(options.padding && options.digest)) continue;
    auto in = io::InputFile::open(file);
    if (!in) return fail(in.error());
    auto check = verify_raw(in->input(), signature, anchor.key, anchor.certificate, options);
    if (!check || check->status != CheckStatus::bad) return check;
    if (recovered && !mismatch) mismatch = *check;
  }
  if (mismatch) return *mismatch;
  const SignatureKind kind = options.padding == Padding::pkcs1v15 ? SignatureKind::raw_rsa_pkcs1 : SignatureKind::raw_rsa_pss;
  return make_check(kind, CheckStatus::bad, "", "",
                    "the raw signature was made by none of the " + std::to_string(tried) +
                        " trusted RSA keys of its size (or it is damaged)");
}

}  // namespace detail

namespace {

// Enough of the start of a file to recognise it.
Result<std::string> read_head(const std::filesystem::path& file) {
  auto in = io::InputFile::open(file);
  if (!in) return fail(in.error());
  std::string head(64 * 1024, '\0');
  std::size_t have = 0;
  while (have < head.size()) {
    const ssize_t n = ::read(in->input().fd, head.data() + have, head.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(io::errno_error(file.string(), errno));
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  head.resize(have);
  return head;
}

// Detached signatures are small; a larger file is no signature.
constexpr std::uintmax_t kMaxSignatureSize = 16U * 1024U * 1024U;

bool is_openpgp(SignatureKind kind) {
  return kind == SignatureKind::openpgp_inline || kind == SignatureKind::openpgp_cleartext ||
         kind == SignatureKind::openpgp_detached;
}

}  // namespace

Result<SignatureCheck> verify_signature(const std::filesystem::path& file,
                                        const std::optional<std::filesystem::path>& detached_signature,
                                        const TrustAnchors& anchors, const VerifyOptions& options) {
  std::optional<std::filesystem::path> signature_path = detached_signature;
  std::optional<SignatureKind> kind;
  if (!signature_path) {
    auto head = read_head(file);
    if (!head) return fail(head.error());
    kind = detect_signed_file(*head);
    if (!kind) {
      signature_path = find_detached_signature(file);
      if (!signature_path)
        return fail(Errc::bad_signature, file.string() + ": no signature: not a signed message, and no " + file.filename().string() +
                                             ".sig, .asc, .p7s or .sign beside it");
    }
  }
  std::optional<std::string> signature;
  if (signature_path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(*signature_path, ec);
    if (!ec && size > kMaxSignatureSize)
      return fail(Errc::bad_data, signature_path->string() + ": " + std::to_string(size) + " bytes is too large for a detached signature");
    auto bytes = io::read_file(*signature_path);
    if (!bytes) return fail(bytes.error());
    // Raw signatures are recognised by their size against the trusted RSA keys.
    auto keys = detail::rsa_anchors(anchors);
    if (!keys) return fail(keys.error());
    std::vector<std::size_t> sizes;
    for (const auto& k : *keys) sizes.push_back(k.modulus_bytes);
    kind = detect_detached_signature(*bytes, sizes);
    if (!kind)
      return fail(Errc::bad_data, signature_path->string() + ": not a recognised signature (OpenPGP, CMS, or a raw RSA signature" +
                                      (sizes.empty() ? std::string(": give --cert or --pubkey for raw ones)")
                                                     : " as long as a trusted key's modulus)"));
    signature = std::move(*bytes);
  }

  Result<SignatureCheck> check = fail(Errc::internal, "not run");
  if (is_openpgp(*kind))
    check = detail::verify_openpgp(*kind, file, signature_path, anchors);
  else if (*kind == SignatureKind::raw_rsa_pss || *kind == SignatureKind::raw_rsa_pkcs1)
    check = detail::verify_raw_any(file, *signature, anchors, options);
  else
    check = detail::verify_cms(*kind, file, signature, anchors, options);
  if (check && signature_path) check->signature = *signature_path;
  return check;
}

}  // namespace payload::sig
