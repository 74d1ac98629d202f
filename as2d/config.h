// as2d configuration: plain structs with safe defaults, read once from one INI file at the
// edge (config_loader.cpp). Nothing below this file sees a POCO configuration object.
//
// Algorithm policy is "secure" by default (docs/as2d.md): SHA-2 digests and AES ciphers
// only; MD5, SHA-1 and 3DES are accepted only from a partner whose section lists them.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "secret.h"

#include <payload/as2/pack.h>
#include <payload/as2/version.h>
#include <payload/cms/algorithms.h>

namespace as2d {

// Where the server listens: "127.0.0.1:4080", "[::]:4080", "0.0.0.0:0" (port 0: any free port).
struct ListenAddress {
  std::string host;  // without brackets
  std::uint16_t port = 4080;
  bool ipv6 = false;

  // "host:port", IPv6 hosts in brackets.
  [[nodiscard]] std::string to_string() const;
};

struct Limits {
  std::uint64_t max_body_size = std::uint64_t{64} << 20;  // bytes of one request body
  std::chrono::seconds read_timeout{30};    // one socket read (a silent client is cut off)
  std::chrono::seconds body_timeout{600};   // the whole body (a client that trickles bytes is cut off)
  int max_connections = 16;                 // handler threads: requests served at once
  // Connections waiting without a thread (connection_gate.h): before their first bytes,
  // between keep-alive requests, or readable and queued for a handler. At the cap the one
  // that waited longest is closed.
  int max_idle_connections = 4096;
  std::chrono::seconds idle_timeout{15};    // how long a connection may wait in the gate
  // Connections one client address may hold in all (waiting or served); 0: no limit. One
  // host then holds at most 1/64 of the default idle cap (docs/as2d.md).
  int max_connections_per_address = 64;
  // Handler threads one client address may keep busy at once; its other readable
  // connections wait their turn, so slow requests from one address (bytes trickled until
  // read_timeout or body_timeout) leave handlers to the others. -1: three quarters of
  // max_connections (at least 1); 0: no limit.
  int max_handlers_per_address = -1;
};

// max_handlers_per_address as applied: the default (-1) resolved, 0 (no limit) as every handler.
[[nodiscard]] inline int handlers_per_address(const Limits& limits) noexcept {
  const int handlers = limits.max_connections < 1 ? 1 : limits.max_connections;
  if (limits.max_handlers_per_address == 0) return handlers;
  if (limits.max_handlers_per_address < 0) return handlers * 3 / 4 < 1 ? 1 : handlers * 3 / 4;
  return limits.max_handlers_per_address < handlers ? limits.max_handlers_per_address : handlers;
}

enum class ClientAuth { none, optional, required };
enum class TlsVersion { tls1_2, tls1_3 };

// HTTPS (i05 10.1: TLS 1.3 MUST, 1.2 MAY; only "Recommended" suites by default). The TLS
// certificate is not the AS2 certificate (i05 9.1).
struct TlsSettings {
  bool enabled = false;
  std::filesystem::path cert;  // PEM, the chain in order (i05 10.2: send the full chain)
  std::filesystem::path key;
  std::optional<Secret> key_passphrase;
  TlsVersion min_version = TlsVersion::tls1_2;
  // TLS 1.2 suites in OpenSSL notation: ECDHE/DHE with AES-GCM or ChaCha20-Poly1305.
  std::string ciphers =
      "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:"
      "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
      "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";
  // TLS 1.3 suites (OpenSSL's TLS 1.3 names).
  std::string ciphersuites = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";
  std::filesystem::path client_ca;  // certificates client certificates must chain to
  ClientAuth client_auth = ClientAuth::none;
};

struct StationConfig {
  std::string as2_id;
  std::filesystem::path key;   // PEM private key: signs MDNs, decrypts messages
  std::filesystem::path cert;  // its certificate
  std::optional<Secret> key_passphrase;  // from key_passphrase_file or key_passphrase_env
  // A second identity that also decrypts (certificate rollover: partners switch to it
  // at their own pace). Optional.
  std::filesystem::path next_key;
  std::filesystem::path next_cert;
  std::optional<Secret> next_key_passphrase;
  // Private keys and secrets' files that other users may access are refused unless this
  // is set (a key on a file system without permissions, a deliberate test setup).
  bool allow_insecure_key_permissions = false;
  ListenAddress listen;
  std::filesystem::path data_dir;
  std::filesystem::path log_file;  // empty: stderr
  Limits limits;
  TlsSettings tls;
  // Asynchronous MDNs: the first retry after this long, doubling up to an hour between
  // attempts, until `async_mdn_give_up` after the first attempt.
  std::chrono::seconds async_mdn_retry{30};
  std::chrono::seconds async_mdn_give_up{24 * 3600};
  // Sending: where partners deliver the asynchronous MDNs we ask for (our public AS2
  // URL, Receipt-Delivery-Option); needed only for partners with mdn = async.
  std::string mdn_url;
  // Sending over HTTPS to partners that want a client certificate. Optional.
  std::filesystem::path tls_client_cert;
  std::filesystem::path tls_client_key;
  std::optional<Secret> tls_client_key_passphrase;
  // Outboxes: how often they are scanned; transport failures and 5xx answers are retried
  // after send_retry, doubling up to an hour, until send_give_up after the first attempt.
  std::chrono::seconds outbox_poll{5};
  std::chrono::seconds send_retry{60};
  std::chrono::seconds send_give_up{24 * 3600};
};

enum class MdnMode { sync, async, none };

struct BasicAuth {
  std::string user;
  std::string password_hash;  // "$6$..." (SHA512-crypt) or "$pbkdf2-sha256$..." (password.h)
};

struct PartnerConfig {
  std::string name;    // the NAME of [partner.NAME]
  std::string as2_id;  // their AS2-From
  std::vector<std::filesystem::path> certs;  // one or more (rollover)
  std::string url;     // where our messages and async MDNs to them go (outbound)
  std::filesystem::path inbox;  // default data_dir/inbox/NAME
  // Outbound: what we use towards them (none allowed).
  std::optional<payload::cms::DigestAlg> sign = payload::cms::DigestAlg::sha256;
  std::optional<payload::cms::ContentCipher> encrypt = payload::cms::ContentCipher::aes256_cbc;
  MdnMode mdn = MdnMode::sync;  // what we ask them for (outbound)
  payload::as2::Compression compress = payload::as2::Compression::none;
  // The signed-receipt-micalg we ask for, in order; empty: an unsigned receipt. Default:
  // the signing digest (SHA-256 when we do not sign or sign with a legacy digest).
  std::vector<payload::cms::DigestAlg> mdn_sign;
  std::string content_type = "application/octet-stream";
  payload::as2::As2Version as2_version = payload::as2::As2Version::v1_3;
  std::optional<std::pair<std::string, Secret>> send_auth;  // HTTP basic auth towards them: user, password
  std::filesystem::path tls_ca;  // CAs for their https url; empty: the system's store
  std::chrono::seconds send_timeout{120};
  // Files put here are sent to the partner (as2d), then moved to outbox/sent or
  // outbox/failed. Default data_dir/outbox/NAME for partners with a url; empty: none.
  std::filesystem::path outbox;
  // A file is taken once it has not changed for this long (0: at once, for files that
  // are written elsewhere and renamed in). Names starting with '.' are never taken.
  std::chrono::seconds outbox_stable{5};
  // Inbound policy.
  bool require_signed = true;
  bool require_encrypted = true;
  std::vector<payload::cms::DigestAlg> allowed_digests;     // also the MDN signing choices, in order
  std::vector<payload::cms::ContentCipher> allowed_ciphers;
  std::optional<BasicAuth> auth;
  // Where asynchronous MDNs to this partner may go: Receipt-Delivery-Option URLs must
  // start with one of these (a partner's message must not make us POST anywhere, SSRF).
  // Default: the scheme, host and port of `url`; none without `url`.
  std::vector<std::string> async_mdn_urls;
  std::filesystem::path async_mdn_ca;  // CA certificates for https async MDN URLs; empty: the system's
};

struct Config {
  std::filesystem::path file;  // where it was read from
  StationConfig station;
  std::vector<PartnerConfig> partners;
};

// The secure defaults (SHA-2 and AES only).
[[nodiscard]] std::vector<payload::cms::DigestAlg> default_digests();
[[nodiscard]] std::vector<payload::cms::ContentCipher> default_ciphers();

[[nodiscard]] std::string_view mdn_mode_name(MdnMode mode) noexcept;
[[nodiscard]] std::string_view client_auth_name(ClientAuth mode) noexcept;

}  // namespace as2d
