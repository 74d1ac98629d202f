// OpenPGP signatures for verify_signature(), through payload::pgp (GPGME).
#include <fcntl.h>

#include <algorithm>
#include <cctype>

#include <payload/pgp/keys.h>
#include <payload/pgp/signature.h>

#include "checks.h"

namespace payload::sig::detail {

namespace {

// The partner keys: the given certificate files in a throwaway keyring, else the home.
Result<pgp::Keyring> partner_keyring(const TrustAnchors& anchors) {
  if (anchors.pgp_key_files.empty()) {
    if (!anchors.pgp_home) return fail(Errc::no_key, "an OpenPGP signature, but no OpenPGP key or keyring was given");
    return pgp::Keyring::open(*anchors.pgp_home);
  }
  auto keyring = pgp::Keyring::temporary();
  if (!keyring) return keyring;
  for (const auto& file : anchors.pgp_key_files) {
    auto bytes = io::read_file(file);
    if (!bytes) return fail(bytes.error());
    if (auto imported = pgp::import_keys(*keyring, *bytes); !imported) return fail(imported.error().with_context(file.string()));
  }
  return keyring;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string signer_of(const pgp::SignatureReport& report) {
  std::string who = report.primary_fingerprint.empty() ? report.fingerprint : report.primary_fingerprint;
  if (!report.user_id.empty()) who += " (" + report.user_id + ")";
  return who;
}

// The one status for a set of OpenPGP signatures: the policy of pgp::check_signatures,
// with the reason taken from the signature that explains the failure best.
SignatureCheck judge(SignatureKind kind, const std::vector<pgp::SignatureReport>& reports, const TrustAnchors& anchors) {
  if (reports.empty()) return make_check(kind, CheckStatus::bad, "", "", "the OpenPGP data holds no signature");
  const auto verdict = pgp::check_signatures(reports, anchors.pgp_signers);
  const auto first_with = [&](pgp::SignatureStatus s) {
    return std::find_if(reports.begin(), reports.end(), [s](const auto& r) { return r.status == s; });
  };
  if (verdict) {
    const auto good = first_with(pgp::SignatureStatus::good);
    return make_check(kind, CheckStatus::good, signer_of(*good), lower(good->digest), "");
  }
  const std::string why = verdict.error().message();
  for (const auto status : {pgp::SignatureStatus::bad, pgp::SignatureStatus::error})
    if (auto r = first_with(status); r != reports.end()) return make_check(kind, CheckStatus::bad, signer_of(*r), lower(r->digest), why);
  for (const auto status : {pgp::SignatureStatus::expired_key, pgp::SignatureStatus::revoked_key,
                            pgp::SignatureStatus::expired_signature})
    if (auto r = first_with(status); r != reports.end())
      return make_check(kind, CheckStatus::key_unusable, signer_of(*r), lower(r->digest),
                        why + " (" + std::string(pgp::status_name(status)) + ")");
  // Unknown keys, or good signatures by keys other than the required ones.
  const auto& r = reports.front();
  return make_check(kind, CheckStatus::unknown_signer, signer_of(r), lower(r.digest), why);
}

}  // namespace

Result<SignatureCheck> verify_openpgp(SignatureKind kind, const std::filesystem::path& file,
                                      const std::optional<std::filesystem::path>& signature, const TrustAnchors& anchors) {
  auto keyring = partner_keyring(anchors);
  if (!keyring) return fail(keyring.error());
  auto in = io::InputFile::open(file);
  if (!in) return fail(in.error());
  Result<pgp::VerifyReport> report = fail(Errc::internal, "not run");
  if (signature) {
    auto sig = io::InputFile::open(*signature);
    if (!sig) return fail(sig.error());
    report = pgp::verify_detached(*keyring, in->input(), sig->input());
  } else {
    // Only the verdict is wanted here, not the signed content.
    io::UniqueFd sink(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    if (!sink.valid()) return fail(io::errno_error("/dev/null", errno));
    report = pgp::verify_inline(*keyring, in->input(), io::Output{sink.get(), {}});
  }
  if (!report) {
    // The engine's "bad signature" stays a verdict; anything else is about the input.
    if (report.error().code() == Errc::bad_signature)
      return make_check(kind, CheckStatus::bad, "", "", report.error().message());
    return fail(report.error().with_context(signature ? signature->string() : file.string()));
  }
  return judge(kind, report->signatures, anchors);
}

}  // namespace payload::sig::detail
