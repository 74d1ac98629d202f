// payload_hook's policy files without the command: the INI reader's errors name the
// line, commands split without a shell, and policy keys are checked.
#include <catch2/catch.hpp>

#include "ini.h"
#include "policy.h"
#include "support/temp_dir.h"

using namespace payload;
using namespace payload::hook;

TEST_CASE("policy INI: sections in order, comments, values trimmed, mistakes named by line") {
  auto parsed = parse_ini("# c\n[b]\n key = v 1 \n; c\n\n[a]\nx=\n", "f.ini");
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[0].name == "b");
  CHECK((*parsed)[0].entries[0].value == "v 1");
  CHECK((*parsed)[0].entries[0].line == 3);
  CHECK((*parsed)[1].entries[0].value.empty());
  CHECK(parse_ini("k = v\n", "f.ini").error().message() == "f.ini:1: a key outside any [section]");
  CHECK(parse_ini("[a]\n[a]\n", "f.ini").error().message() == "f.ini:2: section [a] appears twice");
  CHECK(parse_ini("[a]\nk=1\nk=2\n", "f.ini").error().message() == "f.ini:3: k is set twice in [a]");
  CHECK(parse_ini("[a\n", "f.ini").error().message() == "f.ini:1: a section header must end with ']'");
  CHECK(parse_ini("[a]\njust words\n", "f.ini").error().code() == Errc::usage);
}

TEST_CASE("policy run.command splits into argv without a shell") {
  CHECK(*split_command("a  b\tc") == std::vector<std::string>{"a", "b", "c"});
  CHECK(*split_command(R"(sh -c "echo \"x y\" > f" '$HOME' a\ b)") ==
        std::vector<std::string>{"sh", "-c", "echo \"x y\" > f", "$HOME", "a b"});
  CHECK(*split_command(R"(x "" y)") == std::vector<std::string>{"x", "", "y"});
  CHECK_FALSE(split_command("a \"b"));
  CHECK_FALSE(split_command("a\\"));
}

TEST_CASE("policy files: steps in order, defaults, relative paths, unknown keys and events refused") {
  test::TempDir dir;
  const auto file = dir / "hooks.ini";
  test::write_file(file, "[p]\nsteps = verify, encrypt, move\nquarantine = q\nverify.signers = AB\n"
                         "encrypt.recipients = CD, EF\nencrypt.armor = yes\nmove.to = /srv/out\n");
  auto policies = load_policies(file);
  REQUIRE(policies);
  const auto& p = policies->front();
  REQUIRE(p.steps.size() == 3);
  CHECK(step_name(p.steps[0]) == "verify");
  CHECK(step_name(p.steps[2]) == "move");
  const auto& encrypt = std::get<EncryptStep>(p.steps[1]);
  CHECK(encrypt.extension == ".asc");
  CHECK(encrypt.recipients == std::vector<std::string>{"CD", "EF"});
  CHECK_FALSE(encrypt.keep_original);
  CHECK(p.quarantine == dir.path() / "q");
  CHECK(p.events.size() == 4);

  auto refused = [&](const std::string& text) {
    test::write_file(file, text);
    auto loaded = load_policies(file);
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code() == Errc::usage);
    return loaded.error().message();
  };
  CHECK(refused("[p]\nsteps = move\nquarantine = q\nmove.to = o\nencrypt.armor = yes\n").find(":5: [p] unknown key encrypt.armor") !=
        std::string::npos);
  CHECK(refused("[p]\nsteps = move, move\nquarantine = q\nmove.to = o\n").find("appears twice") != std::string::npos);
  CHECK(refused("[p]\nsteps = zip\nquarantine = q\n").find("unknown step zip") != std::string::npos);
  CHECK(refused("[p]\nevents = upload\nsteps = move\nquarantine = q\nmove.to = o\n").find("unknown event upload") != std::string::npos);
  CHECK(refused("[p]\nsteps = encrypt\nquarantine = q\nencrypt.format = smime\n").find("encrypt.certificates is required") !=
        std::string::npos);
  CHECK(refused("[p]\nsteps = move\nquarantine = q\nmove.to = o\nmove.uuid_prefix = perhaps\n").find("yes or no") != std::string::npos);
  CHECK(refused("[p]\nsteps = run\nquarantine = q\nrun.command = x\nrun.timeout = 0\n").find("run.timeout") != std::string::npos);
}
