// Large payloads (hidden: run with `as2_tests "[large]"`). Packs and unpacks 100 MiB
// signed + compressed + AES-256-GCM encrypted and prints the time and the peak resident
// memory of each step, the numbers quoted in docs/as2.md.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>

#include <payload/as2/pack.h>
#include <payload/as2/unpack.h>

#include "as2_fixture.h"

using namespace payload;
using namespace payload::as2;

namespace {

// VmHWM (peak RSS) in MiB; writing 5 to clear_refs resets it (Linux 4.0+).
long peak_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) / 1024;
  }
  return -1;
}
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

}  // namespace

TEST_CASE("large: 100 MiB signed, compressed and encrypted, in and out", "[.][large][as2]") {
  const auto& keys = test::As2Keys::get();
  std::string payload = test::pseudo_random_bytes(100u << 20, 41);
  const std::string copy = payload;
  PackOptions options = test::base_pack_options();
  options.sign = SignSpec{keys.identity(), {}, mdn::MicalgSpelling::rfc5751};
  options.encrypt = EncryptSpec{{keys.identity().certificate}, {}};
  options.encrypt->options.cipher = cms::ContentCipher::aes256_gcm;
  options.compression = Compression::after_signing;
  UnpackOptions unpack_options = test::base_unpack_options();
  unpack_options.decompress.max_output = 1u << 30;

  const long baseline = peak_mib();
  reset_peak();
  auto start = std::chrono::steady_clock::now();
  std::clock_t cpu = std::clock();
  std::string wire;
  mdn::Mic mic;
  long pack_peak = 0;
  long long pack_ms = 0;
  long long pack_cpu_ms = 0;
  {
    auto packed = pack(std::move(payload), options);
    REQUIRE(packed);
    pack_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    pack_peak = peak_mib();
    pack_cpu_ms = (std::clock() - cpu) * 1000 / CLOCKS_PER_SEC;
    wire = packed->http.wire();
    mic = packed->mic;
  }
  reset_peak();
  const long before_unpack = peak_mib();
  start = std::chrono::steady_clock::now();
  cpu = std::clock();
  auto result = unpack(std::move(wire), unpack_options);
  const auto unpack_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  const long long unpack_cpu_ms = (std::clock() - cpu) * 1000 / CLOCKS_PER_SEC;
  const long unpack_peak = peak_mib();
  REQUIRE(result);
  CHECK(result->payload == copy);
  CHECK(*result->report.mic == mic);
  std::cout << "100 MiB sign+compress+aes-256-gcm: pack " << pack_ms << " ms (" << pack_cpu_ms << " ms CPU), peak RSS "
            << pack_peak << " MiB; unpack " << unpack_ms << " ms (" << unpack_cpu_ms << " ms CPU), peak RSS " << unpack_peak << " MiB (resident before: "
            << before_unpack << " MiB, fixture baseline " << baseline << " MiB, payload copies held by the test: 2)\n";
}
