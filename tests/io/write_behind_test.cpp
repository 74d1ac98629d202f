// Write-behind: following a file that grows, it only starts writeback; the bytes and the
// publication (AtomicFile's fsync and rename) are untouched, and it stops when told.
#include <catch2/catch.hpp>

#include <payload/io/file.h>
#include <payload/io/write_behind.h>

#include "support/temp_dir.h"

using namespace payload;
using payload::test::TempDir;

TEST_CASE("write-behind follows a growing file without changing it, and stops") {
  TempDir dir;
  auto file = io::AtomicFile::create(dir / "out.bin", false);
  REQUIRE(file);
  // Three chunks and a tail, written in 1 MiB pieces while the follower watches.
  const auto data = payload::test::pseudo_random_bytes(3 * io::WriteBehind::kChunk + 12345, 5);
  {
    io::WriteBehind follower(file->output().fd);
    for (size_t offset = 0; offset < data.size(); offset += 1 << 20) {
      const auto piece = std::string_view(data).substr(offset, 1 << 20);
      REQUIRE(file->write(piece));
    }
    follower.stop();
    follower.stop();  // idempotent; the destructor stops it too
  }
  REQUIRE(file->finish());
  CHECK(payload::test::read_file(dir / "out.bin") == data);
}

TEST_CASE("write-behind on an empty file stops at once") {
  TempDir dir;
  auto file = io::AtomicFile::create(dir / "empty.bin", false);
  REQUIRE(file);
  { io::WriteBehind follower(file->output().fd); }
  REQUIRE(file->finish());
  CHECK(std::filesystem::file_size(dir / "empty.bin") == 0);
}
