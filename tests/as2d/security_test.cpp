// as2d security checks (docs/reliability.md, "Security checks"): a partner cannot pass for
// another one (another partner's signing key, another partner's basic-auth credentials);
// CR and LF in attacker-controlled fields never become header lines of an MDN or lines of
// the log; secrets never reach the log.
#include <catch2/catch.hpp>

#include <cstdio>

#include <payload/as2/pack.h>
#include <payload/cms/certificate.h>
#include <payload/mdn/parse.h>

#include "as2d_fixture.h"
#include "support/run.h"

using namespace as2d::test;
namespace as2 = payload::as2;
namespace cms = payload::cms;

namespace {

// A signed, encrypted message with a signed synchronous MDN request: from `from`, signed
// with the identity NAME.key/NAME.crt in `dir`, to STATION.
as2::HttpMessage signed_message(const Setup& setup, const std::string& from, const std::string& signer,
                                const std::string& filename) {
  auto options = signed_encrypted(setup.dir.path(), signer, "station", from, "STATION");
  options.filename = filename;
  auto packed = as2::pack("ISA*00*" + filename + "~", options);
  REQUIRE(packed);
  return packed->http;
}

// Two partners, PARTNER (partner.*) and EVIL (evil.*), each with its own password.
struct TwoPartners : Setup {
  TwoPartners() {
    make_identity(dir.path(), "evil", "AS2D TEST EVIL");
    auto hash = [](const std::string& password) {
      auto text = openssl({"passwd", "-6", password});
      text.pop_back();
      return text;
    };
    partner("acme").set("as2_id", "PARTNER").set("cert", (dir / "partner.crt").string())
        .set("auth_user", "acme").set("auth_password_hash", hash("acme secret"));
    partner("evil").set("as2_id", "EVIL").set("cert", (dir / "evil.crt").string())
        .set("auth_user", "evil").set("auth_password_hash", hash("evil secret"));
  }
};

Headers with_auth(Headers headers, const std::string& credentials) {
  headers.emplace_back("Authorization", "Basic " + openssl({"base64", "-A"}, credentials));
  return headers;
}

}  // namespace

TEST_CASE("a partner cannot pass for another: not with its own signing key, not with its own credentials") {
  TwoPartners setup;
  Daemon daemon(setup.write());
  const auto station = cms::Certificate::load(setup.dir / "station.crt");
  REQUIRE(station);

  // EVIL claims to be PARTNER, with PARTNER's password even, but signs with its own key.
  const auto forged = signed_message(setup, "PARTNER", "evil", "forged.x12");
  const auto signed_by_evil = http(daemon.port(), "POST", "/as2", with_auth(forged.headers, "acme:acme secret"), forged.body);
  REQUIRE(signed_by_evil.status == 200);
  auto report = payload::mdn::parse_mdn(signed_by_evil.headers, signed_by_evil.body, {*station});
  REQUIRE(report);
  CHECK_FALSE(report->disposition.is_success());
  CHECK(report->disposition.to_string().find("authentication-failed") != std::string::npos);

  // EVIL's own valid credentials on a message from PARTNER: the transport refuses it.
  const auto genuine = signed_message(setup, "PARTNER", "partner", "genuine.x12");
  CHECK(http(daemon.port(), "POST", "/as2", with_auth(genuine.headers, "evil:evil secret"), genuine.body).status == 401);
  CHECK(names_in(setup.data() / "inbox" / "acme").empty());
  CHECK(names_in(setup.data() / "inbox" / "evil").empty());

  // The same message with PARTNER's credentials is stored in PARTNER's inbox only.
  const auto good = http(daemon.port(), "POST", "/as2", with_auth(genuine.headers, "acme:acme secret"), genuine.body);
  REQUIRE(good.status == 200);
  CHECK(good.body.find("; processed\r\n") != std::string::npos);
  CHECK(names_in(setup.data() / "inbox" / "acme") == std::set<std::string>{"genuine.x12"});
  CHECK(names_in(setup.data() / "inbox" / "evil").empty());
  CHECK(daemon.stop() == 0);
}

TEST_CASE("CR and LF in Message-ID, Subject or AS2-From never become header lines of the MDN or lines of the log") {
  TwoPartners setup;
  setup.partner("acme").erase("auth_user").erase("auth_password_hash");
  Daemon daemon(setup.write());
  const auto message = signed_message(setup, "PARTNER", "partner", "injected.x12");
  // Folded lines (obs-fold, the only way a CR LF gets into an HTTP header value) and bare
  // CRs, each trying to add a header line "X-Injected".
  const std::vector<std::pair<std::string, std::string>> attacks{
      {"Message-ID", "<inj-1@partner>\r\n X-Injected: 1"},
      {"Message-ID", "<inj-2@partner>\rX-Injected: 2"},
      {"Subject", "invoice\r\n X-Injected: 3"},
      {"Subject", "invoice\rX-Injected: 4"},
      {"AS2-From", "PARTNER\r\n X-Injected: 5"},
      {"AS2-From", "PARTNER\rX-Injected: 6"},
  };
  for (const auto& [field, value] : attacks) {
    INFO(field << ": " << value);
    auto headers = message.headers;
    bool replaced = false;
    for (auto& [name, old] : headers) {
      if (name == field) {
        old = value;
        replaced = true;
      }
    }
    if (!replaced) headers.emplace_back(field, value);
    headers.emplace_back("Connection", "close");  // the answer ends with the connection
    RawConnection connection(daemon.port());
    connection.send(request_head(headers, "Content-Length: " + std::to_string(message.body.size())) + message.body);
    const auto answer = connection.receive_all(std::chrono::seconds(30));
    REQUIRE(answer.starts_with("HTTP/1.1 "));
    // No line of the answer (HTTP head, MDN parts) starts with the injected field, and
    // no CR stands alone.
    for (const char* line_start : {"\nX-Injected", "\rX-Injected", "\n X-Injected"})
      CHECK(answer.find(line_start) == std::string::npos);
    for (std::size_t at = answer.find('\r'); at != std::string::npos; at = answer.find('\r', at + 1))
      CHECK(answer.compare(at, 2, "\r\n") == 0);
  }
  // Every log line is one JSON object: no CR, and no line that starts with anything else.
  const auto log = daemon.log();
  CHECK(log.find('\r') == std::string::npos);
  std::size_t lines = 0;
  for (std::size_t start = 0; start < log.size();) {
    auto end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    INFO(log.substr(start, end - start));
    CHECK(log.compare(start, 2, "{\"") == 0);
    ++lines;
    start = end + 1;
  }
  CHECK(lines > attacks.size());
  // Bare CRs are refused (400), a folded Message-ID is no valid one (invalid-message-id):
  // only the message with a folded Subject is stored.
  CHECK(names_in(setup.data() / "inbox" / "acme") == std::set<std::string>{"injected.x12"});
  CHECK(daemon.stop() == 0);
}

TEST_CASE("secrets never reach the log: key passphrases, passwords, Authorization headers") {
  TwoPartners setup;
  // The station key encrypted with a passphrase from a file.
  openssl({"pkey", "-in", (setup.dir / "station.key").string(), "-aes-256-cbc", "-passout", "pass:Passphrase-Of-The-Station-Key",
           "-out", (setup.dir / "station-enc.key").string()});
  write_secret(setup.dir / "pass.txt", "Passphrase-Of-The-Station-Key\n");
  setup.station.set("key", (setup.dir / "station-enc.key").string()).set("key_passphrase_file", (setup.dir / "pass.txt").string());
  Daemon daemon(setup.write());
  const auto message = signed_message(setup, "PARTNER", "partner", "secret.x12");
  for (const char* credentials : {"acme:acme secret", "acme:Wrong-Password-Guess", "evil:evil secret", "nobody:Another-Guess"})
    (void)http(daemon.port(), "POST", "/as2", with_auth(message.headers, credentials), message.body);
  const auto log = daemon.log();
  CHECK(daemon.events("\"name\":\"auth_failed\"").size() == 3);
  for (const char* secret : {"Passphrase-Of-The-Station-Key", "acme secret", "Wrong-Password-Guess", "evil secret", "Another-Guess",
                             "YWNtZTphY21lIHNlY3JldA", "$6$"}) {
    INFO(secret);
    CHECK(log.find(secret) == std::string::npos);
  }
  CHECK(daemon.stop() == 0);
  // check-config names the files, not what is in them.
  const auto checked = run_as2d({"--check-config", setup.write().string()});
  CHECK(checked.exit_code == 0);
  for (const char* secret : {"Passphrase-Of-The-Station-Key", "acme secret", "$6$"}) {
    INFO(secret);
    CHECK(checked.out.find(secret) == std::string::npos);
    CHECK(checked.err.find(secret) == std::string::npos);
  }
}

namespace {

// Which of `suites` a TLS handshake with `openssl s_client` completes with (one attempt per
// suite, the client offering that suite only).
std::set<std::string> accepted_suites(std::uint16_t port, const std::vector<std::string>& suites, bool tls13) {
  std::set<std::string> accepted;
  for (const auto& suite : suites) {
    std::vector<std::string> argv{"openssl", "s_client", "-brief", "-connect", "127.0.0.1:" + std::to_string(port)};
    if (tls13) {
      argv.insert(argv.end(), {"-tls1_3", "-ciphersuites", suite});
    } else {
      argv.insert(argv.end(), {"-tls1_2", "-cipher", suite + "@SECLEVEL=0"});
    }
    const auto result = payload::test::run(argv, "");
    if ((result.out + result.err).find("Ciphersuite: " + suite) != std::string::npos) accepted.insert(suite);
  }
  return accepted;
}

// Every TLS 1.2-and-older suite this openssl knows (about 150 names) and the five TLS 1.3 ones.
std::vector<std::string> all_tls12_suites() {
  std::vector<std::string> suites;
  auto list = openssl({"ciphers", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"});
  while (!list.empty() && (list.back() == '\n' || list.back() == '\r')) list.pop_back();
  for (std::size_t start = 0; start <= list.size();) {
    auto end = list.find(':', start);
    if (end == std::string::npos) end = list.size();
    const auto name = list.substr(start, end - start);
    if (!name.empty() && !name.starts_with("TLS_")) suites.push_back(name);
    start = end + 1;
  }
  return suites;
}

const std::vector<std::string> tls13_suites{"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
                                            "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"};

// The first bytes the server answers a bare ClientHello of record and client version
// `major.minor` with (SSL 3.0 = 3.0, TLS 1.0 = 3.1, TLS 1.1 = 3.2): what no modern client
// can send any more, so built by hand. Two classic RSA suites are offered, no extensions.
std::string answer_to_hello(std::uint16_t port, unsigned char minor) {
  std::string hello;
  hello += '\x03';
  hello += static_cast<char>(minor);
  hello += std::string(32, '\x42');  // random
  hello += '\0';                    // no session id
  hello += std::string("\x00\x04\x00\x2f\x00\x0a", 6);  // AES128-SHA, DES-CBC3-SHA
  hello += std::string("\x01\x00", 2);                  // no compression
  std::string handshake = "\x01";
  handshake += std::string{'\0', '\0', static_cast<char>(hello.size())} + hello;
  std::string record = "\x16\x03";
  record += static_cast<char>(minor);
  record += std::string{'\0', static_cast<char>(handshake.size())} + handshake;
  RawConnection connection(port);
  connection.send(record);
  return connection.receive_all(std::chrono::seconds(10));
}

}  // namespace

TEST_CASE("HTTPS offers exactly the configured suites (every suite openssl knows tried), and SSLv3, TLS 1.0 and 1.1 hellos get protocol_version") {
  Setup setup;
  make_tls_identity(setup.dir.path(), "tls");
  setup.station.set("tls", "on").set("tls_cert", (setup.dir / "tls.crt").string()).set("tls_key", (setup.dir / "tls.key").string());
  const auto tls12 = all_tls12_suites();
  REQUIRE(tls12.size() > 50);
  std::size_t tried = 0;
  SECTION("the default lists") {
    Daemon daemon(setup.write());
    // The default list's ECDSA suites need an ECDSA certificate: with this RSA one, these.
    CHECK(accepted_suites(daemon.port(), tls12, false) ==
          std::set<std::string>{"ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305",
                                "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384"});
    CHECK(accepted_suites(daemon.port(), tls13_suites, true) ==
          std::set<std::string>{"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"});
    tried = tls12.size() + tls13_suites.size();
    for (const unsigned char minor : {0, 1, 2}) {
      INFO("ClientHello version 3." << int(minor));
      const auto answer = answer_to_hello(daemon.port(), minor);
      // A fatal alert (21), never a ServerHello (22): protocol_version (70) for TLS 1.0
      // and 1.1; OpenSSL, built without SSL 3.0, answers its hello handshake_failure (40).
      REQUIRE(answer.size() >= 7);
      CHECK(answer[0] == '\x15');
      CHECK(answer[5] == '\x02');
      CHECK(answer[6] == (minor == 0 ? '\x28' : '\x46'));
    }
    CHECK(daemon.stop() == 0);
  }
  SECTION("configured lists") {
    setup.station.set("tls_ciphers", "ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384")
        .set("tls_ciphersuites", "TLS_CHACHA20_POLY1305_SHA256");
    Daemon daemon(setup.write());
    CHECK(accepted_suites(daemon.port(), tls12, false) ==
          std::set<std::string>{"ECDHE-RSA-CHACHA20-POLY1305", "DHE-RSA-AES256-GCM-SHA384"});
    CHECK(accepted_suites(daemon.port(), tls13_suites, true) == std::set<std::string>{"TLS_CHACHA20_POLY1305_SHA256"});
    tried = tls12.size() + tls13_suites.size();
    CHECK(daemon.stop() == 0);
  }
  std::printf("tls: suites tried=%zu\n", tried);
}

TEST_CASE("hostile file names end up inside the partner's inbox or are refused, end to end") {
  Setup setup;
  setup.partner("acme").set("as2_id", "PARTNER").set("cert", (setup.dir / "partner.crt").string());
  setup.partner("other").set("as2_id", "OTHER").set("cert", (setup.dir / "partner.crt").string());
  Daemon daemon(setup.write());
  const std::vector<std::string> names{"../../other/stolen.x12", "/etc/cron.d/evil", "..", "../other", "..\\..\\win.ini",
                                       std::string("nul\0byte.x12", 12), "ctl\x01\x1b[2J\x7f.x12", "dash-\r\nX-Injected: 1",
                                       std::string(5000, 'L') + ".x12", ".hidden", "-rf"};
  int processed = 0, refused = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    INFO("name #" << i);
    auto options = signed_encrypted(setup.dir.path(), "partner", "station", "PARTNER", "STATION");
    options.filename = names[i];
    auto packed = payload::as2::pack("payload " + std::to_string(i), options);
    if (!packed) {  // the sending side refuses some names itself: sent by hand then
      options.filename = "placeholder.x12";
      packed = payload::as2::pack("payload " + std::to_string(i), options);
      REQUIRE(packed);
      for (auto& [name, value] : packed->http.headers)
        if (name == "Content-Disposition") value = "attachment; filename=\"" + names[i] + "\"";
    }
    std::string answer;
    try {
      const auto reply = http(daemon.port(), "POST", "/as2", packed->http.headers, packed->http.body);
      answer = std::to_string(reply.status) + " " + reply.body;
    } catch (const std::exception& e) {
      answer = e.what();  // a header the HTTP client or server would not carry
    }
    if (answer.find("; processed\r\n") != std::string::npos)
      ++processed;
    else
      ++refused;
  }
  // Nothing anywhere but in acme's inbox: the data directory holds the store, the spool
  // (empty) and the two inboxes; the test directory nothing new.
  std::set<std::string> elsewhere;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(setup.dir.path())) {
    const auto relative = std::filesystem::relative(entry.path(), setup.dir.path()).string();
    if (entry.is_directory() || relative.starts_with("data/inbox/acme/") || relative.starts_with("data/as2d.sqlite") ||
        relative.ends_with(".key") || relative.ends_with(".crt") || relative.ends_with(".ini") || relative.ends_with(".log"))
      continue;
    elsewhere.insert(relative);
  }
  CHECK(elsewhere.empty());
  CHECK(names_in(setup.data() / "inbox" / "other").empty());
  const auto stored = names_in(setup.data() / "inbox" / "acme");
  CHECK(stored.size() == static_cast<std::size_t>(processed));
  for (const auto& name : stored) {
    INFO(name);
    CHECK(name.size() <= 200);
    CHECK(name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+") == std::string::npos);
    CHECK_FALSE(name.starts_with("."));
    CHECK_FALSE(name.starts_with("-"));
  }
  std::printf("filenames: tried=%zu stored_in_own_inbox=%d refused=%d\n", names.size(), processed, refused);
  CHECK(daemon.stop() == 0);
}
