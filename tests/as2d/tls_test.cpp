// as2d over HTTPS: TLS 1.3 and 1.2 with the secure list, older versions and weak suites
// refused (checked with `openssl s_client`), AS2 over HTTPS, client certificates, and the
// certificate roles kept apart (i05 9.1, 10.1).
#include <catch2/catch.hpp>

#include <payload/cms/certificate.h>
#include <payload/mdn/parse.h>

#include "as2d_fixture.h"
#include "support/run.h"

using namespace as2d::test;

namespace {

// `openssl s_client` GETs /healthz; the output (a summary of the connection, then the HTTP
// answer when the handshake succeeded). SECLEVEL=0 lets the client offer what the server must refuse.
std::string s_client(std::uint16_t port, std::vector<std::string> args) {
  std::vector<std::string> argv{"openssl", "s_client", "-brief", "-ign_eof", "-connect", "127.0.0.1:" + std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result =
      payload::test::run(argv, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  return result.out + result.err;
}

bool served(const std::string& output) { return output.find("HTTP/1.1 200 OK") != std::string::npos; }

struct TlsSetup : InteropSetup {
  TlsSetup() {
    make_tls_identity(dir.path(), "tls");
    station.set("tls", "on").set("tls_cert", (dir / "tls.crt").string()).set("tls_key", (dir / "tls.key").string());
  }
};

}  // namespace

TEST_CASE("HTTPS: TLS 1.3 and 1.2 with the secure suites; TLS 1.0, 1.1 and weak suites refused") {
  TlsSetup setup;
  Daemon daemon(setup.write());
  CHECK(daemon.events("daemon_started").front().find("\"tls\":true") != std::string::npos);
  const auto ca = (setup.dir / "tls.crt").string();

  const auto tls13 = s_client(daemon.port(), {"-tls1_3", "-CAfile", ca, "-verify_return_error"});
  CHECK(served(tls13));
  CHECK(tls13.find("Protocol version: TLSv1.3") != std::string::npos);
  const auto tls12 = s_client(daemon.port(), {"-tls1_2", "-CAfile", ca, "-verify_return_error"});
  CHECK(served(tls12));
  CHECK(tls12.find("Protocol version: TLSv1.2") != std::string::npos);
  CHECK(tls12.find("Ciphersuite: ECDHE-RSA-AES256-GCM-SHA384") != std::string::npos);
  for (const char* suite : {"ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305",
                            "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384"}) {
    INFO(suite);
    CHECK(served(s_client(daemon.port(), {"-tls1_2", "-cipher", suite})));
  }
  for (const char* suite : {"AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA", "DHE-RSA-AES256-SHA256"}) {
    INFO(suite);
    CHECK_FALSE(served(s_client(daemon.port(), {"-tls1_2", "-cipher", suite})));
  }
  for (const char* version : {"-tls1", "-tls1_1"}) {
    INFO(version);
    CHECK_FALSE(served(s_client(daemon.port(), {version, "-cipher", "DEFAULT@SECLEVEL=0"})));
  }
  // The server, not the client, refused the old versions.
  CHECK(daemon.events("unsupported protocol").size() == 2);
  CHECK(daemon.events("no shared cipher").size() == 4);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("HTTPS: an interop message over TLS gets its signed MDN") {
  TlsSetup setup;
  Daemon daemon(setup.write());
  const auto message = read_wire_message(interop_dir() / "messages" / "signed-sha256-aes256.as2");
  const auto reply = https(daemon.port(), setup.dir / "tls.crt", "POST", "/as2", message.headers, message.body);
  REQUIRE(reply.status == 200);
  auto b = payload::cms::Certificate::load(interop_dir() / "keys" / "b.crt");
  REQUIRE(b);
  auto report = payload::mdn::parse_mdn(reply.headers, reply.body, {*b});
  REQUIRE(report);
  CHECK(report->disposition.is_success());
  CHECK(report->signature == payload::mdn::SignatureStatus::verified);
  CHECK(report->mic->base64() == "48RHIMgOv3cxWqIhwmeZN88bHpGe/MP7YZ1f+N3qHtw=");
  CHECK(std::filesystem::is_regular_file(setup.data() / "inbox" / "a" / "invoice.x12"));
  // Chunked over TLS: the end of the body is told from a closed connection there too.
  const auto chunked = read_wire_message(interop_dir() / "messages" / "compressed-after-sign.as2");
  const auto second = https(daemon.port(), setup.dir / "tls.crt", "POST", "/as2", chunked.headers, chunked.body, true);
  REQUIRE(second.status == 200);
  auto second_report = payload::mdn::parse_mdn(second.headers, second.body, {*b});
  REQUIRE(second_report);
  CHECK(second_report->disposition.is_success());
  CHECK(std::filesystem::is_regular_file(setup.data() / "inbox" / "a" / "invoice-1.x12"));
  // Plain HTTP on the TLS port is no way in.
  CHECK_THROWS(http(daemon.port(), "GET", "/healthz"));
  CHECK(daemon.stop() == 0);
}

TEST_CASE("HTTPS: tls_min_version = 1.3 refuses TLS 1.2") {
  TlsSetup setup;
  setup.station.set("tls_min_version", "1.3");
  Daemon daemon(setup.write());
  CHECK(served(s_client(daemon.port(), {"-tls1_3"})));
  CHECK_FALSE(served(s_client(daemon.port(), {"-tls1_2"})));
  CHECK(daemon.stop() == 0);
}

TEST_CASE("HTTPS: client certificates from tls_client_ca are required") {
  TlsSetup setup;
  make_identity(setup.dir.path(), "client", "AS2 CLIENT");
  make_identity(setup.dir.path(), "stranger", "STRANGER");
  setup.station.set("tls_client_ca", (setup.dir / "client.crt").string());
  Daemon daemon(setup.write());
  const auto client = std::vector<std::string>{"-cert", (setup.dir / "client.crt").string(), "-key",
                                               (setup.dir / "client.key").string()};
  const auto stranger = std::vector<std::string>{"-cert", (setup.dir / "stranger.crt").string(), "-key",
                                                 (setup.dir / "stranger.key").string()};
  for (const char* version : {"-tls1_2", "-tls1_3"}) {
    INFO(version);
    auto with_client = client;
    with_client.push_back(version);
    CHECK(served(s_client(daemon.port(), with_client)));
    auto with_stranger = stranger;
    with_stranger.push_back(version);
    CHECK_FALSE(served(s_client(daemon.port(), with_stranger)));
    CHECK_FALSE(served(s_client(daemon.port(), {version})));
  }
  CHECK(daemon.stop() == 0);
}

TEST_CASE("HTTPS configuration errors") {
  TlsSetup setup;
  auto refused = [&](const std::string& expected) {
    const auto result = run_as2d({"--check-config", setup.write().string()});
    INFO(result.err);
    CHECK(result.exit_code == 78);
    CHECK(result.err.find(expected) != std::string::npos);
  };
  SECTION("the AS2 certificate as TLS certificate (i05 9.1)") {
    setup.station.set("tls_cert", setup.station.get("cert")).set("tls_key", setup.station.get("key"));
    refused("TLS needs a certificate of its own");
  }
  SECTION("a TLS key that is not the certificate's") {
    make_tls_identity(setup.dir.path(), "other");
    setup.station.set("tls_key", (setup.dir / "other.key").string());
    refused("is not the key of");
  }
  SECTION("TLS settings while TLS is off") {
    setup.station.set("tls", "off");
    refused("[station] tls_cert: set, but tls is off");
  }
  SECTION("a TLS version below 1.2") {
    setup.station.set("tls_min_version", "1.1");
    refused("is not 1.2 or 1.3");
  }
  SECTION("a cipher list OpenSSL does not know") {
    setup.station.set("tls_ciphers", "NOT-A-CIPHER");
    refused("[station] tls_ciphers:");
  }
  SECTION("client authentication without a CA") {
    setup.station.set("tls_client_auth", "required");
    refused("client certificates need tls_client_ca");
  }
  SECTION("a good one is described") {
    const auto result = run_as2d({"--check-config", setup.write().string()});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("station PEER_B: https://127.0.0.1:0/as2") != std::string::npos);
    CHECK(result.out.find("TLS 1.2 and 1.3, certificate CN=127.0.0.1") != std::string::npos);
  }
}
