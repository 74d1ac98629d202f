// payload::cms certificates: PEM/DER loading and the facts a partner profile shows.
#include <payload/cms/certificate.h>

#include <openssl/pem.h>

#include <climits>

#include "openssl.h"

namespace payload::cms {

using namespace detail;

namespace {

bool looks_like_pem(std::string_view text) { return text.find("-----BEGIN") != std::string_view::npos; }

std::string key_type_name(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
    case EVP_PKEY_EC: return "EC";
    case EVP_PKEY_ED25519: return "ED25519";
    default: return OBJ_nid2sn(EVP_PKEY_get_base_id(key));
  }
}

}  // namespace

Result<Certificate> Certificate::from_pem(std::string_view pem) {
  ERR_clear_error();
  BioPtr bio = memory_source(pem);
  if (!bio) return fail(Errc::bad_data, "certificate text too large");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return tl::unexpected(openssl_error(Errc::bad_data, "not a PEM certificate"));
  return wrap(std::move(cert));
}

Result<Certificate> Certificate::from_der(std::string_view der) {
  ERR_clear_error();
  if (der.size() > static_cast<std::size_t>(LONG_MAX)) return fail(Errc::bad_data, "certificate too large");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return tl::unexpected(openssl_error(Errc::bad_data, "not a DER certificate"));
  return wrap(std::move(cert));
}

Result<Certificate> Certificate::load(const std::filesystem::path& path) {
  auto text = io::read_file(path);
  if (!text) return fail(text.error());
  auto cert = looks_like_pem(*text) ? from_pem(*text) : from_der(*text);
  if (!cert) return fail(cert.error().with_context(path.string()));
  return cert;
}

Result<std::vector<Certificate>> Certificate::load_all(const std::filesystem::path& path) {
  auto text = io::read_file(path);
  if (!text) return fail(text.error());
  if (!looks_like_pem(*text)) {
    auto one = from_der(*text);
    if (!one) return fail(one.error().with_context(path.string()));
    return std::vector<Certificate>{*one};
  }
  ERR_clear_error();
  BioPtr bio = memory_source(*text);
  if (!bio) return fail(Errc::bad_data, path.string() + ": too large");
  std::vector<Certificate> out;
  while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.push_back(wrap(X509Ptr(raw)));
  // The loop ends at the first non-certificate: end of input is expected, anything else not.
  const unsigned long last = ERR_peek_last_error();
  if (out.empty() || (last != 0 && ERR_GET_REASON(last) != PEM_R_NO_START_LINE))
    return fail(openssl_error(Errc::bad_data, "no readable certificate").with_context(path.string()));
  ERR_clear_error();
  return out;
}

namespace {

CertificateInfo read_info(X509* cert) {
  CertificateInfo info;
  info.subject = name_string(X509_get_subject_name(cert));
  info.issuer = name_string(X509_get_issuer_name(cert));
  info.serial = serial_hex(X509_get0_serialNumber(cert));
  info.not_before = to_time_point(X509_get0_notBefore(cert));
  info.not_after = to_time_point(X509_get0_notAfter(cert));
  if (const EVP_PKEY* key = X509_get0_pubkey(cert)) {
    info.key_type = key_type_name(key);
    info.key_bits = EVP_PKEY_get_bits(key);
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
        EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &len) == 1) {
      const int nid = OBJ_sn2nid(group);
      const char* nist = nid != NID_undef ? EC_curve_nid2nist(nid) : nullptr;
      info.curve = nist != nullptr ? nist : group;
    }
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &md_len) == 1) info.sha256_fingerprint = hex(md, md_len);
  ERR_clear_error();
  return info;
}

}  // namespace

CertificateInfo Certificate::info() const {
  const CertificateHandle& h = handle();
  std::call_once(h.info_once, [&h] { h.info = read_info(h.x509.get()); });
  return h.info;
}

std::string Certificate::der() const {
  unsigned char* out = nullptr;
  const int len = i2d_X509(x509(*this), &out);
  if (len <= 0) return {};
  std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return der;
}

bool Certificate::valid_at(std::chrono::system_clock::time_point at) const {
  X509* cert = x509(*this);
  time_t t = std::chrono::system_clock::to_time_t(at);
  return X509_cmp_time(X509_get0_notBefore(cert), &t) <= 0 && X509_cmp_time(X509_get0_notAfter(cert), &t) >= 0;
}

}  // namespace payload::cms
