// as2d configuration: values, the loader, and `as2d --check-config` good and bad.
#include <catch2/catch.hpp>

#include <algorithm>
#include <new>

#include "as2d_fixture.h"
#include "config_loader.h"
#include "config_values.h"
#include "secret.h"

using namespace as2d;
using namespace as2d::test;
namespace cms = payload::cms;

TEST_CASE("listen addresses: IPv4 and bracketed IPv6") {
  auto v4 = parse_listen("127.0.0.1:4080");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 4080);
  CHECK_FALSE(v4->ipv6);
  auto v6 = parse_listen("[::]:4080");
  REQUIRE(v6);
  CHECK(v6->host == "::");
  CHECK(v6->ipv6);
  CHECK(v6->to_string() == "[::]:4080");
  CHECK(parse_listen("0.0.0.0:0")->port == 0);
  for (const char* bad : {"localhost:80", "::1:80", "[::1]80", "127.0.0.1", "127.0.0.1:65536", "1.2.3:4", "[1.2.3.4]:5", ""}) {
    INFO(bad);
    auto parsed = parse_listen(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code() == payload::Errc::usage);
  }
}

TEST_CASE("sizes, durations, booleans") {
  CHECK(*parse_size("64M") == 64u << 20);
  CHECK(*parse_size("1G") == 1u << 30);
  CHECK(*parse_size("1000") == 1000u);
  CHECK_FALSE(parse_size("0"));
  CHECK_FALSE(parse_size("-1"));
  CHECK_FALSE(parse_size("12X"));
  CHECK(parse_duration("90")->count() == 90);
  CHECK(parse_duration("10m")->count() == 600);
  CHECK(parse_duration("1h")->count() == 3600);
  CHECK_FALSE(parse_duration("0"));
  CHECK_FALSE(parse_duration("5d"));
  CHECK(*parse_bool("Yes"));
  CHECK_FALSE(*parse_bool("off"));
  CHECK_FALSE(parse_bool("maybe"));
}

TEST_CASE("algorithm lists keep their order and refuse unknown names") {
  auto digests = parse_digest_list("sha-384, SHA256, sha1");
  REQUIRE(digests);
  CHECK(*digests == std::vector{cms::DigestAlg::sha384, cms::DigestAlg::sha256, cms::DigestAlg::sha1});
  CHECK_FALSE(parse_digest_list("sha-256, sha256"));  // the same digest twice
  CHECK_FALSE(parse_digest_list("sha3-256"));
  CHECK_FALSE(parse_digest_list(" , "));
  auto ciphers = parse_cipher_list("aes-256-gcm, aes128, 3des");
  REQUIRE(ciphers);
  CHECK(*ciphers == std::vector{cms::ContentCipher::aes256_gcm, cms::ContentCipher::aes128_cbc,
                                cms::ContentCipher::des_ede3_cbc});
  CHECK_FALSE(parse_cipher("rc2-40"));
}

TEST_CASE("the default policy is SHA-2 and AES only") {
  for (const auto digest : default_digests()) CHECK_FALSE(cms::is_legacy(digest));
  for (const auto cipher : default_ciphers()) CHECK(cipher != cms::ContentCipher::des_ede3_cbc);
}

TEST_CASE("loader: defaults, relative paths, secrets from a file and from the environment") {
  Setup setup;
  write_secret(setup.dir / "pass.txt", "s3cret\n");
  setup.station.set("key_passphrase_file", "pass.txt").set("data_dir", "var/as2d");
  setup.partner("acme")
      .set("as2_id", "ACME EDI")
      .set("cert", (setup.dir / "partner.crt").string() + ", partner.crt")
      .set("auth_user", "acme")
      .set("auth_password_hash_env", "AS2D_TEST_HASH");
  const auto file = setup.write();
  const std::string hash = "$6$saltsalt$" + std::string(86, 'a');
  auto config = load_config(file, [&](const std::string& name) -> std::optional<std::string> {
    if (name == "AS2D_TEST_HASH") return hash;
    return std::nullopt;
  });
  REQUIRE(config);
  REQUIRE(config->station.key_passphrase);
  CHECK(config->station.key_passphrase->str() == "s3cret");
  CHECK(config->station.data_dir == setup.dir.path() / "var" / "as2d");
  CHECK(config->station.limits.max_body_size == 64u << 20);
  CHECK(config->station.limits.max_idle_connections == 4096);
  CHECK(config->station.limits.idle_timeout == std::chrono::seconds(15));
  CHECK(config->station.limits.max_connections_per_address == 64);
  CHECK(as2d::handlers_per_address(config->station.limits) == 12);  // three quarters of 16
  REQUIRE(config->partners.size() == 1);
  const auto& acme = config->partners.front();
  CHECK(acme.as2_id == "ACME EDI");
  CHECK(acme.certs.size() == 2);
  CHECK(acme.certs[1] == setup.dir.path() / "partner.crt");
  CHECK(acme.inbox == setup.dir.path() / "var" / "as2d" / "inbox" / "acme");
  CHECK(acme.require_signed);
  CHECK(acme.require_encrypted);
  CHECK(acme.mdn == MdnMode::sync);
  CHECK(acme.allowed_digests == default_digests());
  REQUIRE(acme.auth);
  CHECK(acme.auth->password_hash == hash);

  auto missing_env = load_config(file, [](const std::string&) { return std::nullopt; });
  REQUIRE_FALSE(missing_env);
  CHECK(missing_env.error().message().find("AS2D_TEST_HASH is not set") != std::string::npos);
}

TEST_CASE("check-config prints what would be served") {
  Setup setup;
  setup.station.set("mdn_url", "https://as2.example.com/as2");
  setup.partner("acme")
      .set("as2_id", "ACME")
      .set("cert", (setup.dir / "partner.crt").string())
      .set("allowed_digests", "sha-256, sha1")
      .set("require_encrypted", "no")
      .set("mdn", "async");
  const auto result = run_as2d({"--check-config", setup.write().string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find(": OK") != std::string::npos);
  CHECK(result.out.find("station STATION: http://127.0.0.1:0/as2") != std::string::npos);
  CHECK(result.out.find("partner acme (AS2 id ACME): inbox " + (setup.data() / "inbox" / "acme").string()) !=
        std::string::npos);
  CHECK(result.out.find("digests sha-256, sha1;") != std::string::npos);
  CHECK(result.out.find("CN=AS2D TEST PARTNER") != std::string::npos);
  CHECK(result.out.find("mdn async signed sha-256") != std::string::npos);
  CHECK(result.out.find("asynchronous MDNs come to https://as2.example.com/as2") != std::string::npos);
  CHECK(result.out.find("16 handler threads, 4096 idle connections for at most 15 s, 64 per address") != std::string::npos);
  // Checking changes nothing on disk.
  CHECK_FALSE(std::filesystem::exists(setup.data()));
}

namespace {

// Runs --check-config on a broken configuration: exit 78 and one line on stderr that says `expected`.
void check_refused(const Setup& setup, const std::string& expected) {
  const auto result = run_as2d({"--check-config", setup.write().string()});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 78);
  CHECK(result.out.empty());
  CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  CHECK(result.err.starts_with("as2d: "));
  CHECK(result.err.find(expected) != std::string::npos);
}

}  // namespace

TEST_CASE("check-config refuses a broken configuration with one clear line") {
  Setup setup;
  setup.partner("acme").set("as2_id", "ACME").set("cert", (setup.dir / "partner.crt").string());

  SECTION("unknown key (a typo must not fall back to a default)") {
    setup.partner("acme").set("require_singed", "yes");
    check_refused(setup, "[partner.acme] require_singed: unknown key");
  }
  SECTION("unknown section") {
    setup.partners.push_back(IniSection{"partners", {{"x", "y"}}});
    check_refused(setup, "[partners]: unknown section");
  }
  SECTION("missing required key") {
    setup.station.keys.erase(setup.station.keys.begin());  // as2_id
    check_refused(setup, "[station] as2_id: missing");
  }
  SECTION("a certificate file that does not exist") {
    setup.partner("acme").set("cert", (setup.dir / "nope.crt").string());
    check_refused(setup, "nope.crt");
  }
  SECTION("a key that is not the certificate's") {
    setup.station.set("key", (setup.dir / "partner.key").string());
    check_refused(setup, "is not the key of");
  }
  SECTION("an expired station certificate") {
    make_identity(setup.dir.path(), "old", "OLD", -1);
    setup.station.set("key", (setup.dir / "old.key").string()).set("cert", (setup.dir / "old.crt").string());
    check_refused(setup, "expired");
  }
  SECTION("a partner whose only certificate expired") {
    make_identity(setup.dir.path(), "old", "OLD", -1);
    setup.partner("acme").set("cert", (setup.dir / "old.crt").string());
    check_refused(setup, "every certificate is expired");
  }
  SECTION("an unknown digest") {
    setup.partner("acme").set("allowed_digests", "sha-256, sha-999");
    check_refused(setup, "\"sha-999\" is not a digest");
  }
  SECTION("a legacy digest for signing that the partner's section does not list") {
    setup.partner("acme").set("sign", "sha1");
    check_refused(setup, "list it in allowed_digests");
  }
  SECTION("3DES for encrypting without listing it") {
    setup.partner("acme").set("encrypt", "3des");
    check_refused(setup, "list it in allowed_ciphers");
  }
  SECTION("two partners with the same AS2 id") {
    setup.partner("other").set("as2_id", "ACME").set("cert", (setup.dir / "partner.crt").string());
    check_refused(setup, "also partner acme's AS2 id");
  }
  SECTION("a partner with our own AS2 id") {
    setup.partner("acme").set("as2_id", "STATION");
    check_refused(setup, "our own station's AS2 id");
  }
  SECTION("an idle cap of 0 or an idle timeout of 0") {
    setup.station.set("max_idle_connections", "0");
    check_refused(setup, "[station] max_idle_connections:");
    setup.station.set("max_idle_connections", "100").set("idle_timeout", "0");
    check_refused(setup, "[station] idle_timeout:");
  }
  SECTION("a handler share per address out of range") {
    setup.station.set("max_handlers_per_address", "-1");
    check_refused(setup, "[station] max_handlers_per_address:");
  }
  SECTION("a bad listen address") {
    setup.station.set("listen", "localhost:4080");
    check_refused(setup, "[station] listen:");
  }
  SECTION("a username longer than 150 characters") {
    setup.partner("acme").set("auth_user", std::string(151, 'u')).set("auth_password_hash", "$6$salt$" + std::string(86, 'a'));
    check_refused(setup, "1 to 150 characters");
  }
  SECTION("a password hash in no known format") {
    setup.partner("acme").set("auth_user", "acme").set("auth_password_hash", "plaintext");
    check_refused(setup, "[partner.acme] auth_password_hash:");
  }
  SECTION("a user without a password hash") {
    setup.partner("acme").set("auth_user", "acme");
    check_refused(setup, "auth_user and auth_password_hash go together");
  }
  SECTION("a passphrase from a variable that is not set") {
    setup.station.set("key_passphrase_env", "AS2D_TEST_VARIABLE_THAT_IS_NOT_SET");
    check_refused(setup, "AS2D_TEST_VARIABLE_THAT_IS_NOT_SET is not set");
  }
  SECTION("an encrypted key and a wrong passphrase") {
    openssl({"pkey", "-in", (setup.dir / "station.key").string(), "-aes256", "-passout", "pass:right", "-out",
             (setup.dir / "station-enc.key").string()});
    write_secret(setup.dir / "wrong.txt", "wrong\n");
    setup.station.set("key", (setup.dir / "station-enc.key").string()).set("key_passphrase_file", "wrong.txt");
    check_refused(setup, "station-enc.key");
  }
  SECTION("no such configuration file") {
    const auto result = run_as2d({"--check-config", (setup.dir / "missing.ini").string()});
    CHECK(result.exit_code == 78);
    CHECK(result.err.find("missing.ini: no such file") != std::string::npos);
  }
}

TEST_CASE("check-config accepts an encrypted station key with the right passphrase") {
  Setup setup;
  openssl({"pkey", "-in", (setup.dir / "station.key").string(), "-aes256", "-passout", "pass:right", "-out",
           (setup.dir / "station-enc.key").string()});
  write_secret(setup.dir / "pass.txt", "right\n");
  setup.station.set("key", (setup.dir / "station-enc.key").string()).set("key_passphrase_file", "pass.txt");
  const auto result = run_as2d({"--check-config", setup.write().string()});
  INFO(result.err);
  CHECK(result.exit_code == 0);
}

TEST_CASE("a private key or a passphrase file other users can read is refused unless allowed") {
  Setup setup;
  openssl({"pkey", "-in", (setup.dir / "station.key").string(), "-aes256", "-passout", "pass:right", "-out",
           (setup.dir / "station-enc.key").string()});
  write_secret(setup.dir / "pass.txt", "right\n");
  setup.station.set("key", (setup.dir / "station-enc.key").string()).set("key_passphrase_file", "pass.txt");
  namespace fs = std::filesystem;
  const auto world_readable = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;
  auto check = [&](const std::string& expected) {
    const auto result = run_as2d({"--check-config", setup.write().string()});
    INFO(result.err);
    if (expected.empty()) {
      CHECK(result.exit_code == 0);
      return;
    }
    CHECK(result.exit_code == 78);
    CHECK(result.err.find(expected) != std::string::npos);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    // The daemon does not start either.
    CHECK(run_as2d({"--config", setup.write().string()}).exit_code == 78);
  };
  SECTION("the key") {
    fs::permissions(setup.dir / "station-enc.key", world_readable);
    check("[station] key: " + (setup.dir / "station-enc.key").string() +
          " is accessible by other users (mode 0644): chmod o-rwx it, or set [station] allow_insecure_key_permissions = yes");
    // The group may read it (a service group).
    fs::permissions(setup.dir / "station-enc.key", fs::perms::owner_read | fs::perms::group_read);
    check("");
  }
  SECTION("the passphrase file") {
    fs::permissions(setup.dir / "pass.txt", world_readable);
    check("[station] key_passphrase_file: " + (setup.dir / "pass.txt").string() + " is accessible by other users (mode 0644)");
  }
  SECTION("the TLS key") {
    make_tls_identity(setup.dir.path(), "tls");
    fs::permissions(setup.dir / "tls.key", world_readable);
    setup.station.set("tls", "on").set("tls_cert", (setup.dir / "tls.crt").string()).set("tls_key", (setup.dir / "tls.key").string());
    check("[station] tls_key: " + (setup.dir / "tls.key").string() + " is accessible by other users (mode 0644)");
  }
  SECTION("allowed when told to") {
    fs::permissions(setup.dir / "station-enc.key", world_readable);
    fs::permissions(setup.dir / "pass.txt", world_readable);
    setup.station.set("allow_insecure_key_permissions", "yes");
    check("");
  }
}

TEST_CASE("as2d refuses conflicting or missing options") {
  CHECK(run_as2d({}).exit_code == 64);
  CHECK(run_as2d({"--config", "a.ini", "--check-config", "a.ini"}).exit_code == 64);
  CHECK(run_as2d({"--check-config", "a.ini", "extra"}).exit_code == 64);
  const auto help = run_as2d({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--check-config") != std::string::npos);
}
