// Never crash: damaged copies of real AS2 messages and MDNs go through every parser. Each
// outcome must be a value or a bad_data/unsupported error with a message, and every part
// must lie inside its parent's body. Run under ASan/UBSan (PAYLOAD_SANITIZE) to also catch
// out-of-bounds reads.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <payload/mime/content_disposition.h>
#include <payload/mime/limits.h>
#include <payload/mime/multipart.h>

#include "support/temp_dir.h"

using namespace payload;
using namespace payload::mime;
namespace fs = std::filesystem;

namespace {

void check_error(const Error& error) {
  INFO(error.message());
  CHECK((error.code() == Errc::bad_data || error.code() == Errc::unsupported));
  CHECK_FALSE(error.message().empty());
  CHECK(error.message().find('\n') == std::string::npos);
}

// Walks an entity tree the way a receiver would; returns the number of entities seen.
std::size_t walk(const Entity& entity) {
  std::size_t seen = 1;
  if (auto decoded = entity.decoded_body(); !decoded) check_error(decoded.error());
  if (const auto disposition = entity.headers().value("Content-Disposition")) {
    if (auto parsed = parse_content_disposition(*disposition); !parsed) check_error(parsed.error());
  }
  auto type = entity.content_type();
  if (!type) {
    check_error(type.error());
    return seen;
  }
  if (!type->is_multipart()) return seen;
  auto parts = split_multipart(entity);
  if (!parts) {
    check_error(parts.error());
    return seen;
  }
  const std::string_view body = entity.body();
  for (const Entity& part : *parts) {
    CHECK(part.depth() == entity.depth() + 1);
    CHECK(part.depth() <= max_nesting_depth);
    CHECK(part.raw().data() >= body.data());
    CHECK(part.raw().data() + part.raw().size() <= body.data() + body.size());
    seen += walk(part);
  }
  return seen;
}

std::string damage(std::string text, std::mt19937& random) {
  static const char kInteresting[] = {'\r', '\n', '-', '"', ';', '=', ' ', '\\', '(', ')', ':', '\0', '%', '*', '\''};
  const int edits = 1 + static_cast<int>(random() % 8);
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const std::size_t pos = random() % text.size();
    switch (random() % 5) {
      case 0: text[pos] = kInteresting[random() % sizeof(kInteresting)]; break;
      case 1: text.insert(pos, 1, kInteresting[random() % sizeof(kInteresting)]); break;
      case 2: text.erase(pos, 1 + random() % 16); break;
      case 3: text.resize(pos); break;
      default: text[pos] = static_cast<char>(random()); break;
    }
  }
  return text;
}

}  // namespace

TEST_CASE("damaged interop messages and MDNs never break the parsers") {
  std::vector<fs::path> files;
  for (const char* dir : {"messages", "mdns"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(PAYLOAD_SHARED_DIR) / "interop" / "as2" / dir)) {
      const auto extension = entry.path().extension();
      if (extension == ".as2" || extension == ".mdn") files.push_back(entry.path());
    }
  }
  REQUIRE(files.size() > 20);
  std::mt19937 random(20261122);
  std::size_t entities = 0;
  std::size_t rejected = 0;
  for (const fs::path& path : files) {
    INFO(path.filename().string());
    const std::string original = payload::test::read_file(path);
    // The undamaged file is headers + blank line + body: an entity in its own right.
    auto intact = parse_entity(original);
    REQUIRE(intact);
    entities += walk(*intact);
    for (int round = 0; round < 40; ++round) {
      auto entity = parse_entity(damage(original, random));
      if (!entity) {
        check_error(entity.error());
        ++rejected;
        continue;
      }
      entities += walk(*entity);
    }
  }
  // The damage must reach the multipart parser, not just kill every header block.
  CHECK(entities > files.size() * 40);
  CHECK(rejected > 0);
}
