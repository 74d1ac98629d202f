// RFC 3274 CompressedData: our output checked by third parties (openssl asn1parse for
// the ASN.1, Perl's Compress::Zlib for the zlib stream), BER variants, corruption and
// decompression bombs. Reading pyas2's compressed messages is in as2_interop_test.cpp.
#include <catch2/catch.hpp>

#include <payload/cms/compress.h>
#include <payload/cms/sign.h>
#include <payload/io/file.h>

#include <libdeflate.h>
#include <zlib.h>

#include <sstream>

#include "cms_fixture.h"
#include "support/run.h"

using namespace payload;
using payload::test::openssl;
using payload::test::Pki;

namespace {

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// Every primitive OCTET STRING that `openssl asn1parse` finds, concatenated: in a
// CompressedData those are exactly the eContent segments.
std::string econtent_via_asn1parse(const std::filesystem::path& file, std::string& listing) {
  listing = openssl({"asn1parse", "-inform", "DER", "-in", file.string()});
  std::istringstream lines(listing);
  std::string line, z;
  while (std::getline(lines, line)) {
    const auto at = line.find("prim: OCTET STRING");
    const auto dump = line.find("[HEX DUMP]:");
    if (at != std::string::npos && dump != std::string::npos) z += unhex(line.substr(dump + 11));
  }
  return z;
}

std::string perl_uncompress(const std::string& z) {
  const auto r = test::run({"perl", "-MCompress::Zlib", "-e",
                            "local $/; binmode STDIN; binmode STDOUT; my $d = uncompress(<STDIN>); "
                            "defined $d or die 'uncompress failed'; print $d"},
                           z);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// A BER/DER definite length (X.690 8.1.3), short or long form.
std::string ber_length(std::size_t n) {
  std::string l;
  if (n < 128) return std::string(1, static_cast<char>(n));
  for (; n > 0; n >>= 8) l.insert(l.begin(), static_cast<char>(n & 0xff));
  return static_cast<char>(0x80 | l.size()) + l;
}

const std::string kText = [] {
  std::string s;
  for (int i = 0; i < 2000; ++i) s += "IT1*" + std::to_string(i) + "*95*EA*42.50**VP*SKU" + std::to_string(i * 7919 % 100000) + "~\r\n";
  return s;
}();

}  // namespace

TEST_CASE("compress: openssl parses our CompressedData and Perl's zlib inflates it", "[cms][compress][interop]") {
  const auto& pki = Pki::get();
  auto der = cms::compress(kText);
  REQUIRE(der);
  CHECK(der->size() < kText.size() / 3);
  const auto path = pki.dir() / "ours.p7z";
  test::write_file(path, *der);
  std::string listing;
  const std::string z = econtent_via_asn1parse(path, listing);
  CHECK(listing.find("id-smime-ct-compressedData") != std::string::npos);
  CHECK(listing.find("zlib compression") != std::string::npos);
  CHECK(listing.find("pkcs7-data") != std::string::npos);
  CHECK(perl_uncompress(z) == kText);
  // openssl's CMS decoder accepts the structure too (it cannot decompress: no zlib here).
  const std::string printed = openssl({"cms", "-cmsout", "-print", "-inform", "DER", "-in", path.string()});
  CHECK(printed.find("d.compressedData") != std::string::npos);

  // Streamed: BER with indefinite lengths and 64 KiB segments.
  const auto big = kText + test::pseudo_random_bytes(300 * 1024, 3) + kText;
  const auto plain = pki.dir() / "to-compress.bin";
  test::write_file(plain, big);
  auto in = io::InputFile::open(plain);
  REQUIRE(in);
  const auto streamed = pki.dir() / "streamed.p7z";
  auto out = io::AtomicFile::create(streamed, true);
  REQUIRE(out);
  REQUIRE(cms::compress(in->input(), out->output()));
  REQUIRE(out->finish());
  const std::string ber = test::read_file(streamed);
  CHECK(ber.substr(0, 2) == std::string("\x30\x80", 2));
  const std::string z2 = econtent_via_asn1parse(streamed, listing);
  CHECK(listing.find("cons: OCTET STRING") != std::string::npos);
  CHECK(perl_uncompress(z2) == big);

  // And we read both forms back, in memory and streamed.
  cms::DecompressReport report;
  auto back = cms::decompress(*der, {}, &report);
  REQUIRE(back);
  CHECK(*back == kText);
  CHECK(report.content_type == "1.2.840.113549.1.7.1");
  CHECK(report.content_bytes == kText.size());
  auto ber_in = io::InputFile::open(streamed);
  REQUIRE(ber_in);
  const auto restored = pki.dir() / "restored.bin";
  auto sink = io::AtomicFile::create(restored, true);
  REQUIRE(sink);
  auto streamed_report = cms::decompress(ber_in->input(), sink->output());
  REQUIRE(streamed_report);
  REQUIRE(sink->finish());
  CHECK(test::read_file(restored) == big);
  CHECK(streamed_report->content_bytes == big.size());
}

TEST_CASE("compress: the same bytes for the same input and level whatever the thread compressed before", "[cms][compress]") {
  // Each thread keeps its compressor (libdeflate in memory, a zlib stream for the stream
  // form) between messages: the output must stay what a fresh one makes, after other
  // levels and other inputs too.
  const auto fresh_libdeflate = [](const std::string& text, int level) {
    libdeflate_compressor* c = libdeflate_alloc_compressor(level);
    REQUIRE(c != nullptr);
    std::string z(libdeflate_zlib_compress_bound(c, text.size()), '\0');
    z.resize(libdeflate_zlib_compress(c, text.data(), text.size(), z.data(), z.size()));
    libdeflate_free_compressor(c);
    return z;
  };
  const auto fresh_zlib = [](const std::string& text, int level) {
    uLongf size = compressBound(static_cast<uLong>(text.size()));
    std::string z(size, '\0');
    REQUIRE(compress2(reinterpret_cast<Bytef*>(z.data()), &size, reinterpret_cast<const Bytef*>(text.data()),
                      static_cast<uLong>(text.size()), level) == Z_OK);
    z.resize(size);
    return z;
  };
  const auto& pki = Pki::get();
  const std::string other = test::pseudo_random_bytes(100 * 1024, 7) + kText;
  for (const int level : {6, 1, 6, 9, 6}) {
    INFO("level " << level);
    auto der = cms::compress(kText, level);
    REQUIRE(der);
    CHECK(der->ends_with(fresh_libdeflate(kText, level)));
    auto again = cms::compress(kText.substr(1), level);
    REQUIRE(again);
    CHECK(again->ends_with(fresh_libdeflate(kText.substr(1), level)));
    // The stream form, alternating inputs: zlib's own output for each.
    for (const std::string* input : {&other, &kText}) {
      test::write_file(pki.dir() / "to-stream.bin", *input);
      auto in = io::InputFile::open(pki.dir() / "to-stream.bin");
      REQUIRE(in);
      auto out = io::AtomicFile::create(pki.dir() / "streamed-level.p7z", true);
      REQUIRE(out);
      REQUIRE(cms::compress(in->input(), out->output(), level));
      REQUIRE(out->finish());
      std::string listing;
      CHECK(econtent_via_asn1parse(pki.dir() / "streamed-level.p7z", listing) == fresh_zlib(*input, level));
    }
  }
  CHECK_FALSE(cms::compress(kText, 10));
  CHECK_FALSE(cms::compress(kText, -2));
}

TEST_CASE("decompress: a zlib stream made by Perl inside hand-built BER", "[cms][compress][interop]") {
  // Compress::Zlib makes the RFC 1950 stream; the BER around it uses a constructed,
  // indefinite-length OCTET STRING split into uneven segments, and a NULL parameter.
  const auto r = test::run({"perl", "-MCompress::Zlib", "-e", "local $/; binmode STDIN; binmode STDOUT; print compress(<STDIN>)"}, kText);
  REQUIRE(r.exit_code == 0);
  const std::string& z = r.out;
  const auto len = ber_length;
  std::string segments;
  for (std::size_t at = 0, step = 1; at < z.size(); at += step, step = step * 3 + 1)
    segments += "\x04" + len(std::min(step, z.size() - at)) + z.substr(at, step);
  const std::string oid_cd("\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x09", 13);
  const std::string alg("\x30\x0f\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x03\x08\x05\x00", 17);
  const std::string oid_data("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01", 11);
  const std::string eoc("\0\0", 2);
  const std::string ber = std::string("\x30\x80", 2) + oid_cd + std::string("\xa0\x80\x30\x80\x02\x01\x00", 7) + alg +
                          std::string("\x30\x80", 2) + oid_data + std::string("\xa0\x80\x24\x80", 4) + segments + eoc +
                          eoc + eoc + eoc + eoc + eoc;
  auto out = cms::decompress(ber);
  INFO((out ? "" : out.error().message()));
  REQUIRE(out);
  CHECK(*out == kText);

  SECTION("a missing end-of-contents is truncation") {
    auto cut = cms::decompress(ber.substr(0, ber.size() - 2));
    REQUIRE_FALSE(cut);
    CHECK(cut.error().code() == Errc::bad_data);
  }
}

TEST_CASE("decompress: corruption, other algorithms and bombs are refused", "[cms][compress][negative]") {
  auto der = cms::compress(kText);
  REQUIRE(der);

  SECTION("a flipped byte in the zlib stream") {
    std::string bad = *der;
    bad[bad.size() - 100] ^= 0x55;
    auto r = cms::decompress(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_data);
  }
  SECTION("truncated") {
    for (std::size_t cut : {std::size_t{1}, std::size_t{30}, der->size() / 2, der->size() - 1}) {
      auto r = cms::decompress(der->substr(0, cut));
      REQUIRE_FALSE(r);
      CHECK(r.error().code() == Errc::bad_data);
    }
  }
  SECTION("another compression algorithm") {
    std::string other = *der;
    const std::string zlib_oid("\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x03\x08", 11);
    const auto at = other.find(zlib_oid);
    REQUIRE(at != std::string::npos);
    other[at + 10] = 0x09;
    auto r = cms::decompress(other);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::unsupported);
  }
  SECTION("not CompressedData") {
    auto signed_data = cms::sign_enveloping(kText, Pki::get().identity("rsa"));
    REQUIRE(signed_data);
    auto r = cms::decompress(*signed_data);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_data);
  }
  SECTION("a decompression bomb: 256 MiB of zeros in about 250 KiB") {
    const std::string zeros(256u << 20, '\0');
    auto bomb = cms::compress(zeros, 9);
    REQUIRE(bomb);
    CHECK(bomb->size() < 300 * 1024);
    // The default ratio limit (200:1) stops it after about 1 MiB of output.
    auto by_ratio = cms::decompress(*bomb);
    REQUIRE_FALSE(by_ratio);
    CHECK(by_ratio.error().code() == Errc::bad_data);
    CHECK(by_ratio.error().message().find("ratio") != std::string::npos);
    // An absolute cap stops it too when the ratio is allowed.
    cms::DecompressLimits limits;
    limits.max_ratio = 5000;
    limits.max_output = 16u << 20;
    auto by_size = cms::decompress(*bomb, limits);
    REQUIRE_FALSE(by_size);
    CHECK(by_size.error().code() == Errc::bad_data);
    CHECK(by_size.error().message().find("limit") != std::string::npos);
    // With room for it, the same input is fine: the limits are what refused it.
    limits.max_output = 300u << 20;
    cms::DecompressReport report;
    auto ok = cms::decompress(*bomb, limits, &report);
    REQUIRE(ok);
    CHECK(ok->size() == zeros.size());
    CHECK(report.compressed_bytes < 300 * 1024);
  }
}

TEST_CASE("decompress: the in-memory fast path gives what the zlib stream gives", "[cms][compress]") {
  // Content within the limits' grace is inflated in one call (libdeflate); a grace of 0
  // sends the same input through the zlib stream. Both must agree on content and report,
  // whoever compressed it (libdeflate at each level, or zlib itself through Perl).
  cms::DecompressLimits zlib_only;
  zlib_only.ratio_grace = 0;
  zlib_only.max_ratio = 1u << 20;
  std::vector<std::string> inputs;
  for (int level : {1, 6, 9}) {
    auto der = cms::compress(kText, level);
    REQUIRE(der);
    inputs.push_back(*der);
  }
  auto empty = cms::compress("");
  REQUIRE(empty);
  inputs.push_back(*empty);
  for (const auto& der : inputs) {
    cms::DecompressReport fast_report, zlib_report;
    auto fast = cms::decompress(der, {}, &fast_report);
    auto slow = cms::decompress(der, zlib_only, &zlib_report);
    REQUIRE(fast);
    REQUIRE(slow);
    CHECK(*fast == *slow);
    CHECK(fast_report.compressed_bytes == zlib_report.compressed_bytes);
    CHECK(fast_report.content_bytes == zlib_report.content_bytes);
    CHECK(fast_report.content_type == zlib_report.content_type);
    CHECK(fast_report.content_bytes == fast->size());
  }

  SECTION("a content larger than the one-call buffer goes through the zlib stream") {
    // 512 KiB of zeros: a stream of about 500 bytes, far beyond 16:1, within the grace.
    const std::string zeros(512 * 1024, '\0');
    auto der = cms::compress(zeros);
    REQUIRE(der);
    REQUIRE(der->size() < 4096);
    cms::DecompressReport report;
    auto out = cms::decompress(*der, {}, &report);
    INFO((out ? "" : out.error().message()));
    REQUIRE(out);
    CHECK(*out == zeros);
    CHECK(report.content_bytes == zeros.size());
  }
  SECTION("a stream above 1/16 of the grace goes through the zlib stream") {
    // 20 KiB of text with a grace of 4 KiB: too big for the one-call buffer, within the ratio.
    std::string big;
    while (big.size() < 20 * 1024) big += kText;
    auto der = cms::compress(big);
    REQUIRE(der);
    cms::DecompressLimits small_grace;
    small_grace.ratio_grace = 4096;
    auto out = cms::decompress(*der, small_grace);
    INFO((out ? "" : out.error().message()));
    REQUIRE(out);
    CHECK(*out == big);
  }
  SECTION("bytes after the end of the zlib stream are refused, as the zlib stream refuses them") {
    // zlib's own stream of kText with one byte appended, in a DER CompressedData.
    uLongf z_size = compressBound(static_cast<uLong>(kText.size()));
    std::string z(z_size, '\0');
    REQUIRE(compress2(reinterpret_cast<Bytef*>(z.data()), &z_size, reinterpret_cast<const Bytef*>(kText.data()),
                      static_cast<uLong>(kText.size()), 6) == Z_OK);
    z.resize(z_size);
    z += 'X';
    const auto len = ber_length;
    auto tlv = [&](char tag, const std::string& v) { return std::string(1, tag) + len(v.size()) + v; };
    const std::string oid_cd("\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x09", 13);
    const std::string alg("\x30\x0d\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x03\x08", 15);
    const std::string oid_data("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01", 11);
    const std::string content = std::string("\x02\x01\x00", 3) + alg + tlv('\x30', oid_data + tlv('\xa0', tlv('\x04', z)));
    const std::string trailing = tlv('\x30', oid_cd + tlv('\xa0', tlv('\x30', content)));
    // Without the extra byte the same structure decompresses: the byte is what is refused.
    REQUIRE(cms::decompress(tlv('\x30', oid_cd + tlv('\xa0', tlv('\x30', std::string("\x02\x01\x00", 3) + alg +
                                                                           tlv('\x30', oid_data + tlv('\xa0', tlv('\x04', z.substr(0, z.size() - 1)))))))));
    auto r = cms::decompress(trailing);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::bad_data);
    CHECK(r.error().message().find("after the end of the zlib stream") != std::string::npos);
  }
}
