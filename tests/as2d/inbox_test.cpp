// as2d inbox writer: sanitized names, durable publication, never overwriting.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "as2d_fixture.h"
#include "inbox.h"

using namespace as2d;
using namespace as2d::test;

namespace {

std::vector<std::string> entries_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::filesystem::path publish(const std::filesystem::path& dir, const std::string& name, const std::string& bytes) {
  auto file = InboxFile::create(dir);
  REQUIRE(file);
  REQUIRE(file->write(bytes));
  auto path = file->publish(name);
  REQUIRE(path);
  return *path;
}

}  // namespace

TEST_CASE("partner file names are sanitized, never trusted") {
  CHECK(sanitize_filename("invoice.x12", "x") == "invoice.x12");
  CHECK(sanitize_filename("../../etc/passwd", "x") == "_.._etc_passwd");
  CHECK(sanitize_filename("..", "fallback id") == "fallback_id");
  CHECK(sanitize_filename(".hidden", "x") == "hidden");
  CHECK(sanitize_filename("-rf", "x") == "rf");
  CHECK(sanitize_filename("a b\tc\r\nd;e|f$(g)", "x") == "a_b_c__d_e_f__g_");
  CHECK(sanitize_filename("r\xc3\xa9sum\xc3\xa9.pdf", "x") == "r__sum__.pdf");
  CHECK(sanitize_filename("C:\\temp\\x.txt", "x") == "C__temp_x.txt");
  CHECK(sanitize_filename("", "<1234@host>") == "_1234_host_");
  CHECK(sanitize_filename("///", "") == "payload");
  const auto long_name = std::string(300, 'n') + ".csv";
  const auto cut = sanitize_filename(long_name, "x");
  CHECK(cut.size() == 200);
  CHECK(cut.ends_with("n.csv"));
}

TEST_CASE("publishing: the file appears whole, under a new name when taken") {
  TempDir dir;
  const auto first = publish(dir.path(), "invoice.x12", "one");
  CHECK(first == dir.path() / "invoice.x12");
  const auto second = publish(dir.path(), "invoice.x12", "two");
  CHECK(second == dir.path() / "invoice-1.x12");
  const auto third = publish(dir.path(), "invoice.x12", "three");
  CHECK(third == dir.path() / "invoice-2.x12");
  const auto plain = publish(dir.path(), "README", "r");
  publish(dir.path(), "README", "r2");
  CHECK(payload::test::read_file(first) == "one");
  CHECK(payload::test::read_file(second) == "two");
  CHECK(payload::test::read_file(third) == "three");
  CHECK(entries_in(dir.path()) == std::vector<std::string>{"README", "README-1", "invoice-1.x12", "invoice-2.x12", "invoice.x12"});
  struct stat st {};
  REQUIRE(::stat(first.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("a writer dropped before publish leaves nothing behind") {
  TempDir dir;
  {
    auto file = InboxFile::create(dir.path());
    REQUIRE(file);
    REQUIRE(file->write(std::string(100000, 'x')));
    // An unnamed temporary (O_TMPFILE) shows nothing; a named one is hidden.
    for (const auto& name : entries_in(dir.path())) CHECK(name.starts_with(".as2d-"));
    CHECK(entries_in(dir.path()).size() <= 1);
  }
  CHECK(entries_in(dir.path()).empty());
}

TEST_CASE("unpublish removes a published file; stale temporaries are swept, nothing else") {
  TempDir dir;
  const auto path = publish(dir.path(), "a.txt", "a");
  REQUIRE(unpublish(path));
  CHECK_FALSE(std::filesystem::exists(path));
  payload::test::write_file(dir / ".as2d-abc123.part", "partial");
  payload::test::write_file(dir / "keep.part", "mine");
  payload::test::write_file(dir / ".as2d-keep", "mine too");
  CHECK(remove_stale_temporaries(dir.path()) == 1);
  CHECK(entries_in(dir.path()) == std::vector<std::string>{".as2d-keep", "keep.part"});
}

TEST_CASE("directories are created with their parents; a file in the way is an error") {
  TempDir dir;
  REQUIRE(ensure_directory(dir / "a" / "b" / "c"));
  CHECK(std::filesystem::is_directory(dir / "a" / "b" / "c"));
  REQUIRE(ensure_directory(dir / "a" / "b" / "c"));  // again: fine
  payload::test::write_file(dir / "file", "x");
  CHECK_FALSE(ensure_directory(dir / "file" / "sub"));
  CHECK_FALSE(InboxFile::create(dir / "missing"));
}
