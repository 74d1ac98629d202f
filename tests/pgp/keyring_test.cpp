// Keyrings: explicit homes, long paths through the alias, agents stopped afterwards.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <optional>

#include <payload/pgp/agent_process.h>
#include <payload/pgp/keyring.h>
#include <payload/pgp/keys.h>

#include "support/run.h"
#include "support/temp_dir.h"

using namespace payload;
using payload::test::TempDir;

namespace {
// True while a gpg-agent process serves `home` (matched on its command line).
bool agent_running_for(const std::filesystem::path& home) {
  auto ps = payload::test::run({"ps", "-eo", "args"});
  return ps.out.find("gpg-agent --homedir " + home.string()) != std::string::npos;
}
}  // namespace

TEST_CASE("a keyring creates its home with private permissions") {
  TempDir dir;
  auto keyring = pgp::Keyring::open(dir / "new" / "home");
  REQUIRE(keyring);
  CHECK(std::filesystem::is_directory(dir / "new" / "home"));
  const auto perms = std::filesystem::status(dir / "new" / "home").permissions();
  CHECK((perms & std::filesystem::perms::group_all) == std::filesystem::perms::none);
  CHECK((perms & std::filesystem::perms::others_all) == std::filesystem::perms::none);
}

TEST_CASE("the default home never is ~/.gnupg") {
  CHECK(pgp::Keyring::default_home().string().find(".gnupg") == std::string::npos);
}

TEST_CASE("a home too long for agent sockets works through its alias, and the agent is stopped") {
  TempDir dir;
  auto long_home = dir.path();
  while (long_home.string().size() < 150) long_home /= "a-rather-long-directory-name";
  std::filesystem::path engine_home;
  {
    auto keyring = pgp::Keyring::open(long_home);
    REQUIRE(keyring);
    engine_home = keyring->engine_home();
    CHECK(engine_home != keyring->home());
    CHECK(engine_home.string().size() < 60);
    pgp::GenerateOptions options;
    options.user_id = "Long Home <long@example.test>";
    options.type = pgp::KeyType::ed25519;
    auto key = pgp::generate_key(*keyring, options);
    REQUIRE(key);
    CHECK(key->secret);
    CHECK(agent_running_for(engine_home));
  }
  CHECK_FALSE(agent_running_for(engine_home));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(engine_home)));
}

// gpgconf --kill returns once the agent has acknowledged; the agent then still removes
// its sockets from the home. Deleting the home meanwhile used to leave it half-removed.
TEST_CASE("a temporary keyring disappears with its agent, removed only after the agent has exited") {
  for (int round = 0; round < 3; ++round) {
    std::filesystem::path home;
    std::optional<pid_t> agent;
    {
      auto keyring = pgp::Keyring::temporary();
      REQUIRE(keyring);
      home = keyring->home();
      pgp::GenerateOptions options;
      options.user_id = "Temp <temp@example.test>";
      options.type = pgp::KeyType::ed25519;
      REQUIRE(pgp::generate_key(*keyring, options));
      agent = pgp::agent_process(keyring->engine_home());
      REQUIRE(agent);
    }
    CHECK(pgp::process_gone(*agent));
    CHECK_FALSE(std::filesystem::exists(home));
    CHECK_FALSE(agent_running_for(home));
  }
}
