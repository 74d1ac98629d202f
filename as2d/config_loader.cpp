// as2d configuration loader: INI file -> Config, every key checked.
#include "config_loader.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <set>

#include <payload/io/file.h>

#include "config_values.h"
#include "password.h"

namespace as2d {

using payload::Errc;
using payload::Error;
using payload::fail;
using payload::Result;
using payload::Status;
namespace cms = payload::cms;
namespace as2 = payload::as2;

namespace {

using Ini = Poco::AutoPtr<Poco::Util::IniFileConfiguration>;

const std::set<std::string> station_keys{
    "as2_id",         "key",          "cert",           "key_passphrase_file", "key_passphrase_env",
    "next_key",       "next_cert",    "next_key_passphrase_file",              "next_key_passphrase_env",
    "listen",         "data_dir",     "log_file",       "max_body_size",       "read_timeout",
    "body_timeout",   "max_connections", "max_connections_per_address", "max_handlers_per_address", "max_idle_connections", "idle_timeout", "async_mdn_retry", "async_mdn_give_up", "tls",          "tls_cert",            "tls_key",
    "tls_key_passphrase_file",         "tls_key_passphrase_env",              "tls_min_version",
    "tls_ciphers",    "tls_ciphersuites",                "tls_client_ca",       "tls_client_auth",
    "outbox_poll",    "send_retry",   "send_give_up",
    "mdn_url",        "tls_client_cert", "tls_client_key", "tls_client_key_passphrase_file",
    "tls_client_key_passphrase_env", "allow_insecure_key_permissions"};

const std::set<std::string> partner_keys{
    "as2_id",          "cert",           "url",          "inbox",      "sign",     "encrypt",
    "require_signed",  "require_encrypted",               "allowed_digests",      "allowed_ciphers",
    "mdn",             "auth_user",      "auth_password_hash",         "auth_password_hash_file",
    "auth_password_hash_env",          "async_mdn_urls", "async_mdn_ca",
    "compress",        "mdn_sign",       "content_type", "as2_version", "send_user", "send_password_file",
    "send_password_env",               "tls_ca",         "send_timeout", "outbox", "outbox_stable"};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// One [section] of the file: values by key, errors prefixed with "[section] key: ".
class Section final {
public:
  Section(const Ini& ini, std::string name, std::filesystem::path base_dir, const Environment& environment,
          bool allow_insecure_permissions = false)
      : m_ini(ini), m_name(std::move(name)), m_base(std::move(base_dir)), m_env(environment),
        m_allow_insecure(allow_insecure_permissions) {}

  void allow_insecure_permissions(bool allow) { m_allow_insecure = allow; }

  // A private key or a secret's file must be out of reach of other users (any access by
  // "others"; the group may read, for a service group), unless
  // allow_insecure_key_permissions = yes. A file that cannot be stat'ed is left to the
  // code that reads it, which says why.
  Status private_file(const std::string& key, const std::filesystem::path& file) const {
    struct stat st {};
    if (m_allow_insecure || ::stat(file.c_str(), &st) != 0 || (st.st_mode & S_IRWXO) == 0) return {};
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return fail(error(key, file.string() + " is accessible by other users (mode " + mode +
                               "): chmod o-rwx it, or set [station] allow_insecure_key_permissions = yes"));
  }

  const std::string& name() const { return m_name; }

  Status check_keys(const std::set<std::string>& allowed) const {
    Poco::Util::AbstractConfiguration::Keys keys;
    m_ini->keys(m_name, keys);
    for (const auto& key : keys) {
      if (!allowed.count(lower(key))) return fail(Errc::usage, "[" + m_name + "] " + key + ": unknown key");
    }
    return {};
  }

  std::optional<std::string> get(const std::string& key) const {
    const auto full = m_name + "." + key;
    if (!m_ini->hasProperty(full)) return std::nullopt;
    return std::string(trim(m_ini->getRawString(full)));
  }

  Result<std::string> require(const std::string& key) const {
    auto value = get(key);
    if (!value || value->empty()) return fail(error(key, "missing (required)"));
    return *value;
  }

  Error error(const std::string& key, const std::string& message) const {
    return Error(Errc::usage, "[" + m_name + "] " + key + ": " + message);
  }
  Error error(const std::string& key, const Error& cause) const {
    return Error(cause.code(), "[" + m_name + "] " + key + ": " + cause.message());
  }

  std::filesystem::path path(const std::string& value) const {
    const std::filesystem::path p(value);
    return p.is_absolute() ? p.lexically_normal() : (m_base / p).lexically_normal();
  }

  // A secret from KEY_file (first line of the file) or KEY_env (an environment variable);
  // never both, and never written in the file itself.
  Result<std::optional<Secret>> secret(const std::string& key) const {
    const auto file = get(key + "_file");
    const auto env = get(key + "_env");
    if (file && env) return fail(error(key + "_file", "give " + key + "_file or " + key + "_env, not both"));
    if (file) {
      if (auto ok = private_file(key + "_file", path(*file)); !ok) return fail(ok.error());
      auto bytes = payload::io::read_file(path(*file));
      if (!bytes) return fail(error(key + "_file", bytes.error()));
      // The first line is the secret; the whole buffer read is wiped.
      auto end = bytes->find('\n');
      if (end == std::string::npos) end = bytes->size();
      if (end > 0 && (*bytes)[end - 1] == '\r') --end;
      Secret value(bytes->substr(0, end));
      wipe(*bytes);
      if (value.size() == 0) return fail(error(key + "_file", path(*file).string() + " is empty"));
      return std::optional<Secret>(std::move(value));
    }
    if (env) {
      auto value = m_env(*env);
      if (!value || value->empty()) return fail(error(key + "_env", "the environment variable " + *env + " is not set"));
      Secret secret(std::move(*value));
      wipe(*value);
      return std::optional<Secret>(std::move(secret));
    }
    return std::optional<Secret>();
  }

private:
  const Ini& m_ini;
  std::string m_name;
  std::filesystem::path m_base;
  const Environment& m_env;
  bool m_allow_insecure = false;
};

template <typename T, typename Parse>
Status read_optional(const Section& section, const std::string& key, T& target, Parse parse) {
  const auto value = section.get(key);
  if (!value) return {};
  auto parsed = parse(*value);
  if (!parsed) return fail(section.error(key, parsed.error()));
  target = std::move(*parsed);
  return {};
}

Status load_tls(const Section& s, TlsSettings& tls) {
  if (auto ok = read_optional(s, "tls", tls.enabled, parse_bool); !ok) return fail(ok.error());
  if (!tls.enabled) {
    for (const char* key : {"tls_cert", "tls_key", "tls_min_version", "tls_ciphers", "tls_ciphersuites", "tls_client_ca",
                            "tls_client_auth"}) {
      if (s.get(key)) return fail(s.error(key, "set, but tls is off (tls = on enables HTTPS)"));
    }
    return {};
  }
  auto cert = s.require("tls_cert");
  if (!cert) return fail(cert.error());
  tls.cert = s.path(*cert);
  auto key = s.require("tls_key");
  if (!key) return fail(key.error());
  tls.key = s.path(*key);
  if (auto ok = s.private_file("tls_key", tls.key); !ok) return fail(ok.error());
  auto passphrase = s.secret("tls_key_passphrase");
  if (!passphrase) return fail(passphrase.error());
  tls.key_passphrase = std::move(*passphrase);
  if (const auto version = s.get("tls_min_version")) {
    if (*version == "1.2") tls.min_version = TlsVersion::tls1_2;
    else if (*version == "1.3") tls.min_version = TlsVersion::tls1_3;
    else return fail(s.error("tls_min_version", "\"" + *version + "\" is not 1.2 or 1.3 (older versions are never offered)"));
  }
  if (const auto ciphers = s.get("tls_ciphers"); ciphers && !ciphers->empty()) tls.ciphers = *ciphers;
  if (const auto suites = s.get("tls_ciphersuites"); suites && !suites->empty()) tls.ciphersuites = *suites;
  if (const auto ca = s.get("tls_client_ca"); ca && !ca->empty()) {
    tls.client_ca = s.path(*ca);
    tls.client_auth = ClientAuth::required;
  }
  if (const auto mode = s.get("tls_client_auth")) {
    const auto value = lower(std::string(trim(*mode)));
    if (value == "none") tls.client_auth = ClientAuth::none;
    else if (value == "optional") tls.client_auth = ClientAuth::optional;
    else if (value == "required") tls.client_auth = ClientAuth::required;
    else return fail(s.error("tls_client_auth", "\"" + *mode + "\" is not none, optional or required"));
    if (tls.client_auth != ClientAuth::none && tls.client_ca.empty())
      return fail(s.error("tls_client_auth", "client certificates need tls_client_ca"));
  }
  return {};
}

bool is_http_url(const std::string& url) {
  return (url.starts_with("http://") || url.starts_with("https://")) && url.find_first_of(" \t") == std::string::npos;
}

// [station] keys of the sending side: our async MDN URL and an outbound client certificate.
Status load_sending(const Section& s, StationConfig& station) {
  if (const auto url = s.get("mdn_url"); url && !url->empty()) {
    if (!is_http_url(*url)) return fail(s.error("mdn_url", "\"" + *url + "\" is not an http:// or https:// URL"));
    station.mdn_url = *url;
  }
  const auto cert = s.get("tls_client_cert"), key = s.get("tls_client_key");
  if (cert.has_value() != key.has_value())
    return fail(s.error(cert ? "tls_client_key" : "tls_client_cert", "tls_client_cert and tls_client_key go together"));
  if (cert) {
    station.tls_client_cert = s.path(*cert);
    station.tls_client_key = s.path(*key);
    if (auto ok = s.private_file("tls_client_key", station.tls_client_key); !ok) return fail(ok.error());
    auto passphrase = s.secret("tls_client_key_passphrase");
    if (!passphrase) return fail(passphrase.error());
    station.tls_client_key_passphrase = std::move(*passphrase);
  }
  if (auto ok = read_optional(s, "outbox_poll", station.outbox_poll, parse_duration); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "send_retry", station.send_retry, parse_duration); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "send_give_up", station.send_give_up, parse_duration); !ok) return fail(ok.error());
  return {};
}

Result<StationConfig> load_station(Section s) {
  StationConfig station;
  if (auto ok = s.check_keys(station_keys); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "allow_insecure_key_permissions", station.allow_insecure_key_permissions, parse_bool); !ok)
    return fail(ok.error());
  s.allow_insecure_permissions(station.allow_insecure_key_permissions);
  auto id = s.require("as2_id");
  if (!id) return fail(id.error());
  if (!is_valid_as2_id(*id)) return fail(s.error("as2_id", "\"" + *id + "\" is not an AS2 name (1 to 128 printable ASCII characters)"));
  station.as2_id = *id;
  auto key = s.require("key");
  if (!key) return fail(key.error());
  station.key = s.path(*key);
  if (auto ok = s.private_file("key", station.key); !ok) return fail(ok.error());
  auto cert = s.require("cert");
  if (!cert) return fail(cert.error());
  station.cert = s.path(*cert);
  auto passphrase = s.secret("key_passphrase");
  if (!passphrase) return fail(passphrase.error());
  station.key_passphrase = std::move(*passphrase);

  const auto next_key = s.get("next_key"), next_cert = s.get("next_cert");
  if (next_key.has_value() != next_cert.has_value())
    return fail(s.error(next_key ? "next_cert" : "next_key", "next_key and next_cert go together"));
  if (next_key) {
    station.next_key = s.path(*next_key);
    if (auto ok = s.private_file("next_key", station.next_key); !ok) return fail(ok.error());
    station.next_cert = s.path(*next_cert);
    auto next_passphrase = s.secret("next_key_passphrase");
    if (!next_passphrase) return fail(next_passphrase.error());
    station.next_key_passphrase = std::move(*next_passphrase);
  }

  auto listen = s.require("listen");
  if (!listen) return fail(listen.error());
  auto address = parse_listen(*listen);
  if (!address) return fail(s.error("listen", address.error()));
  station.listen = *address;
  auto data_dir = s.require("data_dir");
  if (!data_dir) return fail(data_dir.error());
  station.data_dir = s.path(*data_dir);
  if (const auto log = s.get("log_file"); log && !log->empty()) station.log_file = s.path(*log);

  if (auto ok = read_optional(s, "max_body_size", station.limits.max_body_size, parse_size); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "read_timeout", station.limits.read_timeout, parse_duration); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "body_timeout", station.limits.body_timeout, parse_duration); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "max_connections", station.limits.max_connections,
                              [](std::string_view v) { return parse_int(v, 1, 1024); });
      !ok)
    return fail(ok.error());
  if (auto ok = read_optional(s, "max_connections_per_address", station.limits.max_connections_per_address,
                              [](std::string_view v) { return parse_int(v, 0, 2048); });
      !ok)
    return fail(ok.error());
  if (auto ok = read_optional(s, "max_handlers_per_address", station.limits.max_handlers_per_address,
                              [](std::string_view v) { return parse_int(v, 0, 1024); });
      !ok)
    return fail(ok.error());
  if (auto ok = read_optional(s, "max_idle_connections", station.limits.max_idle_connections,
                              [](std::string_view v) { return parse_int(v, 1, 1 << 20); });
      !ok)
    return fail(ok.error());
  if (auto ok = read_optional(s, "idle_timeout", station.limits.idle_timeout, parse_duration); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "async_mdn_retry", station.async_mdn_retry, parse_duration); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "async_mdn_give_up", station.async_mdn_give_up, parse_duration); !ok)
    return fail(ok.error());
  if (auto ok = load_tls(s, station.tls); !ok) return fail(ok.error());
  if (auto ok = load_sending(s, station); !ok) return fail(ok.error());
  return station;
}

// "https://host:port/path" -> "https://host:port/"
std::string url_origin(const std::string& url) {
  const auto scheme_end = url.find("://");
  const auto path = url.find('/', scheme_end + 3);
  return path == std::string::npos ? url + "/" : url.substr(0, path + 1);
}

bool valid_partner_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

Result<as2::Compression> parse_compress(std::string_view text) {
  const auto value = lower(std::string(trim(text)));
  if (value == "none") return as2::Compression::none;
  if (value == "before-sign") return as2::Compression::before_signing;
  if (value == "after-sign") return as2::Compression::after_signing;
  return fail(Errc::usage, "\"" + std::string(text) + "\": expected none, before-sign or after-sign");
}

// [partner.NAME] keys of the sending side: how we pack for them and reach their url.
Status load_partner_sending(const Section& s, PartnerConfig& partner) {
  if (auto ok = read_optional(s, "compress", partner.compress, parse_compress); !ok) return fail(ok.error());
  if (const auto mdn_sign = s.get("mdn_sign"); mdn_sign && lower(std::string(*mdn_sign)) == "none") {
    partner.mdn_sign.clear();
  } else if (mdn_sign) {
    auto digests = parse_digest_list(*mdn_sign);
    if (!digests) return fail(s.error("mdn_sign", digests.error()));
    partner.mdn_sign = std::move(*digests);
  } else {
    // i05 8.3: ask for the digest we sign with, but never request MD5 or SHA-1 (2.4.2).
    partner.mdn_sign = {partner.sign && !cms::is_legacy(*partner.sign) ? *partner.sign : cms::DigestAlg::sha256};
  }
  if (const auto type = s.get("content_type"); type && !type->empty()) partner.content_type = *type;
  const bool legacy = (partner.sign && cms::is_legacy(*partner.sign)) ||
                      (partner.encrypt && *partner.encrypt == cms::ContentCipher::des_ede3_cbc);
  if (const auto version = s.get("as2_version")) {
    const auto parsed = as2::parse_version(*version);
    if (!parsed) return fail(s.error("as2_version", "\"" + *version + "\": expected 1.0, 1.1 or 1.3"));
    if (*parsed == as2::As2Version::v1_2)
      return fail(s.error("as2_version", "1.2 is not sent: it declares EDIINT-Features, none of which we offer; use 1.1 or 1.3"));
    if (*parsed == as2::As2Version::v1_3 && legacy)
      return fail(s.error("as2_version", "1.3 allows no MD5, SHA-1 or 3DES (i05 6.1): sign or encrypt names one"));
    partner.as2_version = *parsed;
  } else if (legacy) {
    partner.as2_version = as2::As2Version::v1_1;  // 1.3 forbids the legacy algorithms this partner needs
  }
  const auto user = s.get("send_user");
  auto password = s.secret("send_password");
  if (!password) return fail(password.error());
  if (user.has_value() != password->has_value())
    return fail(s.error(user ? "send_password_file" : "send_user", "send_user and send_password_file (or _env) go together"));
  if (user) {
    if (user->empty() || user->size() > max_credential_length || user->find(':') != std::string::npos)
      return fail(s.error("send_user", "must have 1 to 150 characters and no ':'"));
    if ((*password)->size() > max_credential_length) return fail(s.error("send_password_file", "longer than 150 characters"));
    partner.send_auth = std::make_pair(*user, std::move(**password));
  }
  if (const auto ca = s.get("tls_ca"); ca && !ca->empty()) partner.tls_ca = s.path(*ca);
  if (auto ok = read_optional(s, "send_timeout", partner.send_timeout, parse_duration); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "outbox_stable", partner.outbox_stable,
                              [](std::string_view v) -> Result<std::chrono::seconds> {
                                if (trim(v) == "0") return std::chrono::seconds(0);
                                return parse_duration(v);
                              });
      !ok)
    return fail(ok.error());
  return {};
}

Result<PartnerConfig> load_partner(const Section& s, const std::string& name, const StationConfig& station) {
  PartnerConfig partner;
  partner.name = name;
  if (auto ok = s.check_keys(partner_keys); !ok) return fail(ok.error());
  auto id = s.require("as2_id");
  if (!id) return fail(id.error());
  if (!is_valid_as2_id(*id)) return fail(s.error("as2_id", "\"" + *id + "\" is not an AS2 name (1 to 128 printable ASCII characters)"));
  if (*id == station.as2_id) return fail(s.error("as2_id", "\"" + *id + "\" is our own station's AS2 id"));
  partner.as2_id = *id;

  auto certs = s.require("cert");
  if (!certs) return fail(certs.error());
  for (const auto& item : split_list(*certs)) partner.certs.push_back(s.path(item));
  if (partner.certs.empty()) return fail(s.error("cert", "no certificate listed"));

  if (const auto url = s.get("url"); url && !url->empty()) {
    if (!is_http_url(*url))
      return fail(s.error("url", "\"" + *url + "\" is not an http:// or https:// URL"));
    partner.url = *url;
  }
  if (const auto urls = s.get("async_mdn_urls")) {
    for (const auto& prefix : split_list(*urls)) {
      if (!(prefix.starts_with("http://") || prefix.starts_with("https://")) || prefix.find_first_of(" \t") != std::string::npos)
        return fail(s.error("async_mdn_urls", "\"" + prefix + "\" is not an http:// or https:// URL prefix"));
      // "https://host" covers "https://host/..." only, never "https://host.evil.example".
      partner.async_mdn_urls.push_back(prefix.find('/', prefix.find("://") + 3) == std::string::npos ? prefix + "/" : prefix);
    }
  } else if (!partner.url.empty()) {
    partner.async_mdn_urls.push_back(url_origin(partner.url));
  }
  if (const auto ca = s.get("async_mdn_ca"); ca && !ca->empty()) partner.async_mdn_ca = s.path(*ca);
  const auto inbox = s.get("inbox");
  partner.inbox = (inbox && !inbox->empty()) ? s.path(*inbox) : station.data_dir / "inbox" / name;

  // What the partner may send us. Listing md5, sha1 or 3des is the explicit opt-in to
  // legacy algorithms; the defaults are SHA-2 and AES only (i05 2.4.2, 7.3).
  partner.allowed_digests = default_digests();
  partner.allowed_ciphers = default_ciphers();
  if (auto ok = read_optional(s, "allowed_digests", partner.allowed_digests, parse_digest_list); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "allowed_ciphers", partner.allowed_ciphers, parse_cipher_list); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "require_signed", partner.require_signed, parse_bool); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "require_encrypted", partner.require_encrypted, parse_bool); !ok) return fail(ok.error());
  if (auto ok = read_optional(s, "mdn", partner.mdn, parse_mdn_mode); !ok) return fail(ok.error());

  if (const auto sign = s.get("sign")) {
    if (lower(std::string(trim(*sign))) == "none") {
      partner.sign.reset();
    } else {
      const auto digest = cms::parse_micalg(*sign);
      if (!digest) return fail(s.error("sign", "\"" + *sign + "\" is not a digest or none"));
      if (cms::is_legacy(*digest) &&
          std::find(partner.allowed_digests.begin(), partner.allowed_digests.end(), *digest) == partner.allowed_digests.end())
        return fail(s.error("sign", std::string(cms::micalg(*digest)) + " is a legacy digest: list it in allowed_digests to use it"));
      partner.sign = *digest;
    }
  }
  if (const auto encrypt = s.get("encrypt")) {
    if (lower(std::string(trim(*encrypt))) == "none") {
      partner.encrypt.reset();
    } else {
      auto cipher = parse_cipher(*encrypt);
      if (!cipher) return fail(s.error("encrypt", cipher.error()));
      if (*cipher == cms::ContentCipher::des_ede3_cbc &&
          std::find(partner.allowed_ciphers.begin(), partner.allowed_ciphers.end(), *cipher) == partner.allowed_ciphers.end())
        return fail(s.error("encrypt", "3des is a legacy cipher: list it in allowed_ciphers to use it"));
      partner.encrypt = *cipher;
    }
  }

  const auto user = s.get("auth_user");
  auto hash_secret = s.secret("auth_password_hash");
  if (!hash_secret) return fail(hash_secret.error());
  std::optional<std::string> hash = s.get("auth_password_hash");
  if (hash && *hash_secret) return fail(s.error("auth_password_hash", "give the hash once: inline, _file or _env"));
  if (!hash && *hash_secret) hash = (*hash_secret)->str();
  if (user.has_value() != hash.has_value())
    return fail(s.error(user ? "auth_password_hash" : "auth_user", "auth_user and auth_password_hash go together"));
  if (user) {
    if (user->empty() || user->size() > max_credential_length || user->find(':') != std::string::npos ||
        std::any_of(user->begin(), user->end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; }))
      return fail(s.error("auth_user", "must have 1 to 150 characters, no ':' and no control characters"));
    if (auto ok = check_password_hash(*hash); !ok) return fail(s.error("auth_password_hash", ok.error()));
    partner.auth = BasicAuth{*user, *hash};
  }
  if (auto ok = load_partner_sending(s, partner); !ok) return fail(ok.error());
  if (const auto outbox = s.get("outbox"); outbox && !outbox->empty()) {
    if (partner.url.empty()) return fail(s.error("outbox", "needs the partner's url to send to"));
    partner.outbox = s.path(*outbox);
  } else if (!partner.url.empty()) {
    partner.outbox = station.data_dir / "outbox" / name;
  }
  if (partner.mdn == MdnMode::async && station.mdn_url.empty())
    return fail(s.error("mdn", "async needs [station] mdn_url, where the partner is to send the receipts"));
  return partner;
}

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<Config> load_config(const std::filesystem::path& file, const Environment& environment) {
  const auto label = file.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return fail(Errc::io, label + ": " + (std::filesystem::exists(file, ec) ? "not a regular file" : "no such file"));
  Ini ini;
  try {
    ini = new Poco::Util::IniFileConfiguration(file.string());
  } catch (const Poco::Exception& e) {
    return fail(Errc::io, label + ": " + e.displayText());
  }
  const auto base = std::filesystem::absolute(file, ec).parent_path();
  try {
    Config config;
    config.file = file;
    Poco::Util::AbstractConfiguration::Keys sections;
    ini->keys(sections);
    bool has_station = false;
    for (const auto& section : sections) {
      const auto name = lower(section);
      if (name != "station" && name != "partner")
        return fail(Errc::usage, label + ": [" + section + "]: unknown section (expected [station] and [partner.NAME])");
      has_station = has_station || name == "station";
    }
    if (!has_station) return fail(Errc::usage, label + ": no [station] section");
    auto station = load_station(Section(ini, "station", base, environment));
    if (!station) return fail(station.error().with_context(label));
    config.station = std::move(*station);

    Poco::Util::AbstractConfiguration::Keys names;
    ini->keys("partner", names);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      const auto section_name = "partner." + name;
      if (!valid_partner_name(name) || ini->hasProperty(section_name))
        return fail(Errc::usage, label + ": [" + section_name + "]: a partner section is [partner.NAME], NAME of letters, digits, '-' and '_'");
      auto partner = load_partner(Section(ini, section_name, base, environment, config.station.allow_insecure_key_permissions), name, config.station);
      if (!partner) return fail(partner.error().with_context(label));
      for (const auto& other : config.partners) {
        if (other.as2_id == partner->as2_id)
          return fail(Errc::usage, label + ": [" + section_name + "] as2_id: \"" + partner->as2_id +
                                       "\" is also partner " + other.name + "'s AS2 id");
        if (lower(other.name) == lower(name))
          return fail(Errc::usage, label + ": [" + section_name + "]: partner " + name + " is defined twice");
      }
      config.partners.push_back(std::move(*partner));
    }
    return config;
  } catch (const Poco::Exception& e) {
    return fail(Errc::usage, label + ": " + e.displayText());
  }
}

}  // namespace as2d
