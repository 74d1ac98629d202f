// as2d --check-config output.
#include "describe.h"

#include <chrono>
#include <ctime>
#include <sstream>

#include "config_values.h"

namespace as2d {

namespace cms = payload::cms;

namespace {

std::string date(std::chrono::system_clock::time_point at) {
  const auto t = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

std::string certificate_line(const cms::Certificate& certificate) {
  const auto info = certificate.info();
  const auto now = std::chrono::system_clock::now();
  std::string state = certificate.valid_at(now) ? "" : (now < info.not_before ? " NOT YET VALID" : " EXPIRED");
  return info.subject + " (" + info.key_type + " " + std::to_string(info.key_bits) + ", valid " +
         date(info.not_before) + " to " + date(info.not_after) + state + ", sha256 " + info.sha256_fingerprint + ")";
}

std::string_view compression_name(payload::as2::Compression compression) {
  switch (compression) {
    case payload::as2::Compression::none: return "none";
    case payload::as2::Compression::before_signing: return "before-sign";
    case payload::as2::Compression::after_signing: return "after-sign";
  }
  return "?";
}

}  // namespace

std::string describe(const Config& config, const StationKeys& keys, const PartnerTable& partners,
                     const TlsContext* tls) {
  const auto& s = config.station;
  std::ostringstream out;
  out << "configuration " << config.file.string() << ": OK\n";
  out << "station " << s.as2_id << ": " << (tls ? "https://" : "http://") << s.listen.to_string()
      << "/as2 (health: /healthz)\n";
  if (tls)
    out << "  TLS " << (s.tls.min_version == TlsVersion::tls1_3 ? "1.3" : "1.2 and 1.3") << ", certificate "
        << tls->subject << " (sha256 " << tls->sha256_fingerprint << "), client certificates "
        << client_auth_name(s.tls.client_auth) << "\n    TLS 1.2 ciphers " << s.tls.ciphers
        << "\n    TLS 1.3 suites " << s.tls.ciphersuites << "\n";
  out << "  data dir " << s.data_dir.string() << ", store " << (s.data_dir / "as2d.sqlite").string() << ", log "
      << (s.log_file.empty() ? std::string("stderr") : s.log_file.string()) << "\n";
  out << "  limits: body " << format_size(s.limits.max_body_size) << ", read timeout " << s.limits.read_timeout.count()
      << " s, body timeout " << s.limits.body_timeout.count() << " s, " << s.limits.max_connections
      << " handler threads, " << s.limits.max_idle_connections << " idle connections for at most "
      << s.limits.idle_timeout.count() << " s, "
      << (s.limits.max_connections_per_address > 0 ? std::to_string(s.limits.max_connections_per_address)
                                                    : std::string("no limit"))
      << " per address, " << handlers_per_address(s.limits) << " handlers per address\n";
  out << "  asynchronous MDNs: first retry after " << s.async_mdn_retry.count() << " s, given up after "
      << s.async_mdn_give_up.count() << " s\n";
  out << "  sending: asynchronous MDNs come to " << (s.mdn_url.empty() ? std::string("(no mdn_url)") : s.mdn_url)
      << ", client certificate " << (s.tls_client_cert.empty() ? std::string("none") : s.tls_client_cert.string()) << "\n";
  for (std::size_t i = 0; i < keys.identities.size(); ++i)
    out << "  " << (i == 0 ? "certificate " : "next certificate ") << certificate_line(keys.identities[i].certificate)
        << "\n";
  out << partners.all().size() << (partners.all().size() == 1 ? " partner\n" : " partners\n");
  for (const auto& partner : partners.all()) {
    const auto& p = partner.config;
    out << "partner " << p.name << " (AS2 id " << p.as2_id << "): inbox " << p.inbox.string() << "\n";
    out << "  accepts: " << (p.require_signed ? "signed" : "signed or unsigned") << ", "
        << (p.require_encrypted ? "encrypted" : "encrypted or not") << "; digests " << join_digests(p.allowed_digests)
        << "; ciphers " << join_ciphers(p.allowed_ciphers) << "\n";
    out << "  sends to them: sign " << (p.sign ? std::string(cms::micalg(*p.sign)) : "none") << ", encrypt "
        << (p.encrypt ? std::string(cms::name(*p.encrypt)) : "none") << ", compress " << compression_name(p.compress)
        << ", mdn " << mdn_mode_name(p.mdn) << (p.mdn == MdnMode::none ? "" : p.mdn_sign.empty() ? " unsigned" : " signed " + join_digests(p.mdn_sign))
        << ", AS2 " << payload::as2::version_name(p.as2_version) << ", url " << (p.url.empty() ? "(none)" : p.url)
        << (p.send_auth ? ", basic auth user " + p.send_auth->first : std::string())
        << (p.tls_ca.empty() ? std::string() : ", CA " + p.tls_ca.string()) << "\n";
    out << "  basic auth: " << (p.auth ? "user " + p.auth->user : std::string("off")) << "\n";
    std::string urls;
    for (const auto& prefix : p.async_mdn_urls) urls += (urls.empty() ? "" : ", ") + prefix;
    out << "  asynchronous MDNs to: " << (urls.empty() ? std::string("(none: async MDN requests get 403)") : urls) << "\n";
    for (const auto& certificate : partner.certificates) out << "  certificate " << certificate_line(certificate) << "\n";
  }
  return out.str();
}

}  // namespace as2d
