// io::MappedFile and copy_range: the bytes of a mapped file, pages given back and read
// again, ranges copied between files in the kernel and through memory.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include <payload/io/file.h>
#include <payload/io/mapped_file.h>

#include "support/temp_dir.h"

using namespace payload;

namespace {

io::UniqueFd open_file(const std::filesystem::path& path, int flags) {
  io::UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, 0600));
  REQUIRE(fd.valid());
  return fd;
}

}  // namespace

TEST_CASE("a mapped file views its bytes and reads released pages again") {
  test::TempDir dir;
  const std::string bytes = test::pseudo_random_bytes(std::size_t{3} << 20, 61);
  test::write_file(dir / "data", bytes);
  auto mapped = io::MappedFile::map(open_file(dir / "data", O_RDONLY).get());  // the descriptor is closed at once
  REQUIRE(mapped);
  const std::string_view view = (*mapped)->bytes();
  CHECK(view == bytes);
  CHECK((*mapped)->contains(view.substr(1000, 5000)));
  CHECK_FALSE((*mapped)->contains(std::string_view(bytes)));
  (*mapped)->release(view.substr(4096, std::size_t{2} << 20));
  CHECK(view == bytes);  // read in again from the file
}

TEST_CASE("an empty file maps to no bytes") {
  test::TempDir dir;
  test::write_file(dir / "empty", "");
  auto mapped = io::MappedFile::map(open_file(dir / "empty", O_RDONLY).get());
  REQUIRE(mapped);
  CHECK((*mapped)->bytes().empty());
}

TEST_CASE("copy_range appends a range, also to a pipe, and fails on a short file") {
  test::TempDir dir;
  const std::string bytes = test::pseudo_random_bytes(200000, 62);
  test::write_file(dir / "from", bytes);
  const auto from = open_file(dir / "from", O_RDONLY);
  {
    const auto to = open_file(dir / "to", O_WRONLY | O_CREAT | O_EXCL);
    REQUIRE(io::write_all(to.get(), std::string_view("head")));
    REQUIRE(io::copy_range(from.get(), 1000, 150000, to.get()));
  }
  CHECK(test::read_file(dir / "to") == "head" + bytes.substr(1000, 150000));

  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  io::UniqueFd reader(fds[0]);
  {
    io::UniqueFd writer(fds[1]);
    REQUIRE(io::copy_range(from.get(), 7, 1000, writer.get()));  // pipes take the read/write path
  }
  auto piped = io::read_all(reader.get());
  REQUIRE(piped);
  CHECK(*piped == bytes.substr(7, 1000));

  const auto sink = open_file(dir / "sink", O_WRONLY | O_CREAT | O_EXCL);
  auto short_file = io::copy_range(from.get(), 199000, 2000, sink.get());
  REQUIRE_FALSE(short_file);
  CHECK(short_file.error().code() == Errc::io);
}
