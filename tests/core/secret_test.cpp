// payload::Secret and payload::wipe: the bytes of a secret do not outlive its holder's use
// (as2d's passphrases and passwords, the payload command's passphrases, sop passwords and
// secret keys).
#include <payload/core/secret.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

TEST_CASE("secrets wipe their bytes when destroyed, overwritten or moved from", "[core][secret]") {
  using payload::Secret;
  using payload::wipe;
  // A short secret lives inside the object (the short-string buffer): its storage is ours
  // to look at after the destructor ran.
  const std::string text = "pass-phrase-9";  // short enough for the in-object buffer
  alignas(Secret) unsigned char storage[sizeof(Secret)];
  auto contains_text = [&] {
    return std::search(storage, storage + sizeof storage, text.begin(), text.end()) != storage + sizeof storage;
  };
  auto* secret = new (storage) Secret(text);
  CHECK(secret->str() == text);
  CHECK(contains_text());
  secret->~Secret();
  CHECK_FALSE(contains_text());

  secret = new (storage) Secret(text);
  Secret moved(std::move(*secret));
  CHECK(moved.str() == text);
  CHECK_FALSE(contains_text());  // the moved-from object keeps nothing
  *secret = Secret(text);
  *secret = Secret("other");
  CHECK_FALSE(contains_text());  // overwritten
  secret->~Secret();

  std::string buffer = "a long passphrase that does not fit into the short-string buffer";
  const auto* bytes = buffer.data();
  const auto capacity = buffer.capacity();
  wipe(buffer);
  CHECK(buffer.empty());
  CHECK(std::all_of(bytes, bytes + capacity, [](char c) { return c == 0; }));
}

TEST_CASE("a Secret built from a string_view copies it once and compares by value", "[core][secret]") {
  const std::string line = "passphrase\nrest of the file";
  const payload::Secret first(std::string_view(line).substr(0, line.find('\n')));
  CHECK(first.view() == "passphrase");
  CHECK(first == payload::Secret("passphrase"));
  CHECK_FALSE(first == payload::Secret("Passphrase"));
  std::vector<payload::Secret> list{first, payload::Secret("other")};
  CHECK(std::find(list.begin(), list.end(), payload::Secret("other")) != list.end());
}
