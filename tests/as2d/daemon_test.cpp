// as2d as a process: start, /healthz, unknown paths, SIGHUP reload, graceful stop.
#include <catch2/catch.hpp>

#include <signal.h>

#include "as2d_fixture.h"

using namespace as2d::test;

TEST_CASE("as2d starts, answers /healthz, and stops on SIGTERM") {
  Setup setup;
  setup.partner("acme").set("as2_id", "ACME").set("cert", (setup.dir / "partner.crt").string());
  Daemon daemon(setup.write());
  CHECK(daemon.port() != 0);

  const auto health = http(daemon.port(), "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.header("Content-Type") == "application/json");
  CHECK(health.body == "{\"status\":\"ok\",\"as2_id\":\"STATION\",\"partners\":1}\n");
  CHECK(http(daemon.port(), "POST", "/healthz", {}, "x").status == 405);
  CHECK(http(daemon.port(), "GET", "/nowhere").status == 404);

  // Data directory, store and inboxes exist.
  CHECK(std::filesystem::is_directory(setup.data() / "inbox" / "acme"));
  CHECK(std::filesystem::is_regular_file(setup.data() / "as2d.sqlite"));

  CHECK(daemon.stop(SIGTERM) == 0);
  CHECK(daemon.events("\"event\":1001,").size() == 1);
  CHECK(daemon.events("\"event\":1002,").size() == 1);
}

TEST_CASE("as2d stops on SIGINT too") {
  Setup setup;
  Daemon daemon(setup.write());
  CHECK(http(daemon.port(), "GET", "/healthz").status == 200);
  CHECK(daemon.stop(SIGINT) == 0);
  CHECK(daemon.events("daemon_stopped").size() == 1);
}

TEST_CASE("SIGHUP reloads the partners, a broken file keeps the old ones") {
  Setup setup;
  setup.partner("acme").set("as2_id", "ACME").set("cert", (setup.dir / "partner.crt").string());
  const auto config = setup.write();
  Daemon daemon(config);
  CHECK(http(daemon.port(), "GET", "/healthz").body.find("\"partners\":1") != std::string::npos);

  setup.partner("beta").set("as2_id", "BETA").set("cert", (setup.dir / "partner.crt").string());
  setup.write();
  daemon.signal(SIGHUP);
  REQUIRE(daemon.wait_for_log("\"name\":\"partners_reloaded\""));
  CHECK(http(daemon.port(), "GET", "/healthz").body.find("\"partners\":2") != std::string::npos);
  CHECK(std::filesystem::is_directory(setup.data() / "inbox" / "beta"));

  setup.partner("beta").set("allowed_digests", "sha-999");
  setup.write();
  daemon.signal(SIGHUP);
  REQUIRE(daemon.wait_for_log("\"name\":\"reload_failed\""));
  CHECK(daemon.events("reload_failed").front().find("sha-999") != std::string::npos);
  CHECK(http(daemon.port(), "GET", "/healthz").body.find("\"partners\":2") != std::string::npos);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("as2d --config with a broken file exits at once with one line") {
  Setup setup;
  setup.station.set("listen", "127.0.0.1:x");
  const auto result = run_as2d({"--config", setup.write().string()});
  CHECK(result.exit_code == 78);
  CHECK(result.err.find("[station] listen:") != std::string::npos);
}

TEST_CASE("as2d reports a listen address that is taken") {
  Setup setup;
  Daemon first(setup.write());
  Setup second;
  second.station.set("listen", "127.0.0.1:" + std::to_string(first.port()));
  const auto result = run_as2d({"--config", second.write().string()});
  CHECK(result.exit_code == 69);
  CHECK(result.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) != std::string::npos);
  CHECK(first.stop() == 0);
}
