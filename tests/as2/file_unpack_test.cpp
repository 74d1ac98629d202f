// unpack's file form past the spool threshold (8 MiB): the layers go through spool files
// that are mapped, the boundary search and the MIC give pages back, the signature is
// verified from a kernel-made copy and the payload is copied into the output file. Each
// case checks the payload bytes and the MIC against what pack recorded.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <thread>

#include <payload/as2/pack.h>
#include <payload/as2/unpack.h>
#include <payload/io/file.h>

#include "as2_fixture.h"

using namespace payload;
using namespace payload::as2;

namespace {

constexpr std::size_t kLarge = std::size_t{12} << 20;

PackOptions signed_options(bool encrypted, Compression compression) {
  const auto& keys = test::As2Keys::get();
  PackOptions options = test::base_pack_options();
  options.sign = SignSpec{keys.identity(), {}, mdn::MicalgSpelling::rfc5751};
  if (encrypted) options.encrypt = EncryptSpec{{keys.identity().certificate}, {}};
  options.compression = compression;
  return options;
}

}  // namespace

TEST_CASE("file form: 12 MiB signed and encrypted, every compression order", "[as2][file]") {
  const std::string payload = test::pseudo_random_bytes(kLarge, 51);
  for (const auto compression : {Compression::none, Compression::before_signing, Compression::after_signing}) {
    INFO("compression " << static_cast<int>(compression));
    auto packed = pack(payload, signed_options(true, compression));
    REQUIRE(packed);
    const auto unpacked = test::unpack_file(packed->http.wire(), test::base_unpack_options());
    INFO(unpacked.error);
    REQUIRE(unpacked.result);
    CHECK(unpacked.payload == payload);
    CHECK(unpacked.result->payload_size == payload.size());
    REQUIRE(unpacked.result->report.mic);
    CHECK(*unpacked.result->report.mic == packed->mic);
    CHECK(unpacked.result->report.signature);
    CHECK(unpacked.result->report.encryption);
    CHECK(unpacked.result->report.compression.has_value() == (compression != Compression::none));
  }
}

TEST_CASE("file form: a 12 MiB base64 envelope (libas2's form)", "[as2][file]") {
  const std::string payload = test::pseudo_random_bytes(kLarge, 52);
  PackOptions options = signed_options(true, Compression::none);
  options.envelope_encoding = BodyEncoding::base64;
  auto packed = pack(payload, options);
  REQUIRE(packed);
  const auto unpacked = test::unpack_file(packed->http.wire(), test::base_unpack_options());
  INFO(unpacked.error);
  REQUIRE(unpacked.result);
  CHECK(unpacked.payload == payload);
  REQUIRE(unpacked.result->report.mic);
  CHECK(*unpacked.result->report.mic == packed->mic);
}

TEST_CASE("file form: a changed byte in a 12 MiB signed part fails and writes no payload", "[as2][file]") {
  const std::string payload = test::pseudo_random_bytes(kLarge, 53);
  auto packed = pack(payload, signed_options(false, Compression::none));
  REQUIRE(packed);
  std::string wire = packed->http.wire();
  // Unencrypted: the payload is in the message as it is; change a byte in its middle.
  const auto at = wire.find(payload.substr(kLarge / 2, 64));
  REQUIRE(at != std::string::npos);
  wire[at] = static_cast<char>(wire[at] ^ 0x01);
  const auto unpacked = test::unpack_file(wire, test::base_unpack_options());
  REQUIRE_FALSE(unpacked.result);
  CHECK(unpacked.result.error().outcome == Outcome::authentication_failed);
  CHECK(unpacked.payload.empty());
}

TEST_CASE("file form: a message read from a pipe is spooled, then unpacked", "[as2][file]") {
  const std::string payload = test::pseudo_random_bytes(kLarge, 54);
  auto packed = pack(payload, signed_options(true, Compression::none));
  REQUIRE(packed);
  const std::string wire = packed->http.wire();
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  io::UniqueFd reader(fds[0]);
  std::thread writer([fd = fds[1], &wire] {
    (void)io::write_all(fd, wire);
    ::close(fd);
  });
  auto out = io::SpoolFile::create();
  REQUIRE(out);
  auto result = unpack(io::Input{reader.get(), {}, 0}, out->output(), test::base_unpack_options());
  writer.join();
  INFO((result ? std::string() : result.error().error.message()));
  REQUIRE(result);
  auto written = out->read_all();
  REQUIRE(written);
  CHECK(*written == payload);
  REQUIRE(result->report.mic);
  CHECK(*result->report.mic == packed->mic);
}
