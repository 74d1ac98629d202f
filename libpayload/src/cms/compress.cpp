// payload::cms compression: RFC 3274 CompressedData over zlib, built and parsed here.
//
//   ContentInfo ::= SEQUENCE { contentType id-ct-compressedData, content [0] EXPLICIT
//     CompressedData ::= SEQUENCE { version CMSVersion (0),
//       compressionAlgorithm AlgorithmIdentifier (id-alg-zlibCompress, parameters absent),
//       encapContentInfo SEQUENCE { eContentType, eContent [0] EXPLICIT OCTET STRING } } }
//
// Both directions stream: the writer emits BER with indefinite lengths (or DER in
// memory, compressed by libdeflate), the reader is a pull parser feeding zlib segment by
// segment.
#include <payload/cms/compress.h>

#include <libdeflate.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <optional>

#include "ber.h"
#include "openssl.h"

namespace payload::cms {

using namespace detail;

namespace {

// DER content octets of the OIDs (X.690 §8.19).
const std::string kCompressedDataOid("\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x09", 11);  // 1.2.840.113549.1.9.16.1.9
const std::string kZlibOid("\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x03\x08", 11);            // 1.2.840.113549.1.9.16.3.8
const std::string kDataOid("\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01", 9);                     // 1.2.840.113549.1.7.1

constexpr std::size_t kChunk = 1 << 16;

std::string der_length(std::uint64_t n) {
  if (n < 0x80) return std::string(1, static_cast<char>(n));
  std::string bytes;
  for (; n > 0; n >>= 8) bytes.insert(bytes.begin(), static_cast<char>(n & 0xff));
  return static_cast<char>(0x80 | bytes.size()) + bytes;
}

std::string tlv(unsigned char tag, const std::string& content) {
  return static_cast<char>(tag) + der_length(content.size()) + content;
}

std::string algorithm_identifier() { return tlv(0x30, tlv(0x06, kZlibOid)); }

struct DeflateEnd {
  void operator()(z_stream* z) const noexcept {
    deflateEnd(z);
    delete z;
  }
};
using DeflateStream = std::unique_ptr<z_stream, DeflateEnd>;

// deflateInit allocates about 270 KiB (window, hash chains, pending buffer), which the
// allocator hands back to the system when it is freed and faults in again, zeroed, for
// the next message: that cost as much as compressing a 10 KiB message. Each thread keeps
// its last stream and resets it (deflateReset: the same state as a new stream of that
// level, so the same output).
struct IdleDeflateStream {
  DeflateStream stream;
  int level = 0;
};
thread_local IdleDeflateStream t_idle_deflate;

// zlib deflate as a push stage: input in, compressed chunks out through `emit`.
class Deflater final {
public:
  explicit Deflater(int level) : m_level(level) {
    if (t_idle_deflate.stream && t_idle_deflate.level == level && deflateReset(t_idle_deflate.stream.get()) == Z_OK) {
      m_z = std::move(t_idle_deflate.stream);
      m_ok = true;
      return;
    }
    auto fresh = std::make_unique<z_stream>();
    if (deflateInit(fresh.get(), level) != Z_OK) return;
    m_z.reset(fresh.release());
    m_ok = true;
  }
  ~Deflater() {
    if (m_ok) t_idle_deflate = IdleDeflateStream{std::move(m_z), m_level};
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  [[nodiscard]] bool ok() const { return m_ok; }

  template <typename Emit>
  Status feed(std::span<const unsigned char> in, bool finish, Emit&& emit) {
    z_stream& z = *m_z;
    z.next_in = const_cast<unsigned char*>(in.data());  // zlib's API is not const-correct
    z.avail_in = static_cast<uInt>(in.size());
    for (;;) {
      z.next_out = m_out.data();
      z.avail_out = static_cast<uInt>(m_out.size());
      const int rc = deflate(&z, finish ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) return fail(Errc::internal, "zlib deflate failed");
      const std::size_t produced = m_out.size() - z.avail_out;
      if (produced > 0) {
        if (auto s = emit(std::span<const unsigned char>(m_out.data(), produced)); !s) return s;
      }
      if (finish ? rc == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0)) return {};
    }
  }

private:
  DeflateStream m_z;
  int m_level;
  bool m_ok = false;
  std::array<unsigned char, kChunk> m_out;  // not value-initialised: zlib writes before anything is read
};

// zlib inflate with the bomb limits: every chunk is checked before it is passed on.
struct InflateEnd {
  void operator()(z_stream* z) const noexcept {
    inflateEnd(z);
    delete z;
  }
};
using InflateStream = std::unique_ptr<z_stream, InflateEnd>;
// As for deflate: each thread keeps its last inflate stream (state and 32 KiB window).
thread_local InflateStream t_idle_inflate;

class Inflater final {
public:
  explicit Inflater(const DecompressLimits& limits) : m_limits(limits) {
    if (t_idle_inflate && inflateReset(t_idle_inflate.get()) == Z_OK) {
      m_stream = std::move(t_idle_inflate);
    } else {
      auto fresh = std::make_unique<z_stream>();
      if (inflateInit(fresh.get()) != Z_OK) return;
      m_stream.reset(fresh.release());
    }
    m_ok = true;
  }
  ~Inflater() {
    if (m_ok) t_idle_inflate = std::move(m_stream);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  [[nodiscard]] bool ok() const { return m_ok; }
  [[nodiscard]] bool done() const { return m_done; }
  [[nodiscard]] std::uint64_t consumed() const { return m_stream->total_in; }
  [[nodiscard]] std::uint64_t produced() const { return m_produced; }

  template <typename Emit>
  Status feed(std::span<const unsigned char> in, Emit&& emit) {
    if (in.empty()) return {};
    // RFC 1950 data after the end of the zlib stream is not part of the content.
    if (m_done) return fail(Errc::bad_data, "data after the end of the zlib stream");
    m_stream->next_in = const_cast<unsigned char*>(in.data());
    m_stream->avail_in = static_cast<uInt>(in.size());
    for (;;) {
      m_stream->next_out = m_out.data();
      m_stream->avail_out = static_cast<uInt>(m_out.size());
      const int rc = inflate(m_stream.get(), Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        m_done = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return fail(Errc::bad_data, std::string("corrupt zlib stream: ") + (m_stream->msg != nullptr ? m_stream->msg : "error " + std::to_string(rc)));
      }
      const std::size_t n = m_out.size() - m_stream->avail_out;
      if (n > 0) {
        m_produced += n;
        if (m_produced > m_limits.max_output)
          return fail(Errc::bad_data, "decompressed content exceeds the limit of " + std::to_string(m_limits.max_output) + " bytes");
        if (m_produced > m_limits.ratio_grace && m_produced / std::max<std::uint64_t>(m_stream->total_in, 1) > m_limits.max_ratio)
          return fail(Errc::bad_data, "decompression ratio above " + std::to_string(m_limits.max_ratio) +
                                          ":1 (a decompression bomb?)");
        if (auto s = emit(std::span<const unsigned char>(m_out.data(), n)); !s) return s;
      }
      if (m_done) break;
      // A full output buffer may leave output pending inside zlib: go round again.
      if (m_stream->avail_out != 0 && m_stream->avail_in == 0) break;
      if (rc == Z_BUF_ERROR && n == 0) return fail(Errc::bad_data, "corrupt zlib stream: no progress");
    }
    if (m_done && m_stream->avail_in > 0) return fail(Errc::bad_data, "data after the end of the zlib stream");
    return {};
  }

private:
  DecompressLimits m_limits;
  InflateStream m_stream;
  bool m_ok = false;
  bool m_done = false;
  std::uint64_t m_produced = 0;
  std::array<unsigned char, kChunk> m_out;  // not value-initialised: zlib writes before anything is read
};

// The elements of a CompressedData that enclose its zlib stream, opened in order.
struct CompressedDataFrame {
  BerHeader content_info, explicit0, compressed_data, encap, econtent, octets;
};

// Reads a CompressedData up to the first header of its eContent OCTET STRING, checking every
// field on the way; the eContentType goes to `report`.
Result<CompressedDataFrame> open_compressed_data(BerReader& r, DecompressReport& report) {
  CompressedDataFrame f;
  auto content_info = r.expect(kUniversal, kSequence, "ContentInfo");
  if (!content_info) return fail(content_info.error());
  f.content_info = *content_info;
  auto type = r.expect(kUniversal, kOid, "contentType");
  if (!type) return fail(type.error());
  auto type_oid = r.small_content(*type, 64, "contentType");
  if (!type_oid) return fail(type_oid.error());
  if (*type_oid != kCompressedDataOid) return fail(Errc::bad_data, "not a CompressedData (RFC 3274)");
  auto explicit0 = r.expect(kContext, 0, "content [0]");
  if (!explicit0) return fail(explicit0.error());
  f.explicit0 = *explicit0;
  auto compressed_data = r.expect(kUniversal, kSequence, "CompressedData");
  if (!compressed_data) return fail(compressed_data.error());
  f.compressed_data = *compressed_data;
  auto version = r.expect(kUniversal, kInteger, "version");
  if (!version) return fail(version.error());
  // RFC 3274 §1.1: version MUST be 0.
  if (auto v = r.small_content(*version, 4, "version"); !v || *v != std::string(1, '\0'))
    return fail(Errc::bad_data, "CompressedData version is not 0");
  auto algorithm = r.expect(kUniversal, kSequence, "compressionAlgorithm");
  if (!algorithm) return fail(algorithm.error());
  auto algorithm_oid = r.expect(kUniversal, kOid, "compression algorithm");
  if (!algorithm_oid) return fail(algorithm_oid.error());
  auto oid = r.small_content(*algorithm_oid, 64, "compression algorithm");
  if (!oid) return fail(oid.error());
  if (*oid != kZlibOid) return fail(Errc::unsupported, "compression algorithm is not zlib (RFC 3274 §2)");
  // Parameters "MUST be absent" (RFC 3274 §2) but a NULL is seen in the wild: skip any.
  for (;;) {
    auto end = r.at_end(*algorithm);
    if (!end) return fail(end.error());
    if (*end) break;
    auto param = r.header();
    if (!param) return fail(param.error());
    if (auto s = r.skip(*param); !s) return fail(s.error());
  }
  if (auto s = r.close(*algorithm, "compressionAlgorithm"); !s) return fail(s.error());
  auto encap = r.expect(kUniversal, kSequence, "encapContentInfo");
  if (!encap) return fail(encap.error());
  f.encap = *encap;
  auto content_type = r.expect(kUniversal, kOid, "eContentType");
  if (!content_type) return fail(content_type.error());
  auto content_oid = r.small_content(*content_type, 64, "eContentType");
  if (!content_oid) return fail(content_oid.error());
  {
    const std::string der = "\x06" + der_length(content_oid->size()) + *content_oid;
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT, ASN1_OBJECT_free>> obj(
        d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(der.size())));
    if (!obj) return fail(Errc::bad_data, "malformed eContentType");
    report.content_type = oid_text(obj.get());
  }
  auto absent = r.at_end(*encap);
  if (!absent) return fail(absent.error());
  if (*absent) return fail(Errc::bad_data, "the CompressedData carries no content");
  auto econtent = r.expect(kContext, 0, "eContent [0]");
  if (!econtent) return fail(econtent.error());
  f.econtent = *econtent;
  auto octets = r.header();
  if (!octets) return fail(octets.error());
  if (!octets->is(kUniversal, kOctetString)) return fail(Errc::bad_data, "malformed CMS: eContent is not an OCTET STRING");
  f.octets = *octets;
  return f;
}

// After the eContent's value: the ends of every enclosing element.
Status close_compressed_data(BerReader& r, const CompressedDataFrame& f) {
  for (const auto* h : {&f.econtent, &f.encap, &f.compressed_data, &f.explicit0, &f.content_info})
    if (auto s = r.close(*h, "CompressedData"); !s) return s;
  return {};
}

Result<DecompressReport> decompress_from(BIO* in, const DecompressLimits& limits,
                                         const std::function<Status(std::span<const unsigned char>)>& emit) {
  BerReader r(in);
  DecompressReport report;
  auto frame = open_compressed_data(r, report);
  if (!frame) return fail(frame.error());
  Inflater inflater(limits);
  if (!inflater.ok()) return fail(Errc::internal, "zlib inflateInit failed");
  auto feed = [&](std::span<const unsigned char> chunk) { return inflater.feed(chunk, emit); };
  if (auto s = r.octets(frame->octets, feed); !s) return fail(s.error());
  if (!inflater.done()) return fail(Errc::bad_data, "the zlib stream is truncated");
  if (auto s = close_compressed_data(r, *frame); !s) return fail(s.error());
  report.compressed_bytes = inflater.consumed();
  report.content_bytes = inflater.produced();
  return report;
}

// Decompression in one call needs a buffer for the whole content: 16 times the zlib stream
// (EDI and XML compress 3:1 to 10:1), at least 64 KiB.
constexpr std::uint64_t kWholeExpansion = 16;
constexpr std::uint64_t kWholeMinRoom = 64 * 1024;

// A small CompressedData in memory, an AS2 message of ordinary size: its zlib stream
// inflated in one call by libdeflate, in about two thirds of zlib's time (docs/benchmarks.md,
// "AS2 pack and unpack"). Only when the content fits within the limits' grace (1 MiB by
// default), where no limit can refuse it, so the answer is the one the zlib stream would
// give. Anything else gives nullopt and the zlib stream, which says what is wrong and
// enforces the limits as it goes, decides: a stream above 1/16 of the grace (64 KiB by
// default; gathering stops there), a content larger than the buffer (the one call spent is
// at most the buffer's worth), corrupt, truncated or trailing data, a malformed structure.
std::optional<std::string> decompress_whole(std::string_view compressed, const DecompressLimits& limits,
                                            DecompressReport& report) {
  const std::uint64_t cap = std::min(limits.ratio_grace, limits.max_output);
  BioPtr in = memory_source(compressed);
  if (!in) return std::nullopt;
  BerReader r(in.get());
  auto frame = open_compressed_data(r, report);
  if (!frame) return std::nullopt;
  std::string z;
  const auto gather = [&z, cap](std::span<const unsigned char> chunk) -> Status {
    if ((z.size() + chunk.size()) * kWholeExpansion > cap) return fail(Errc::bad_data, "too large for one call");
    z.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    return {};
  };
  if (!r.octets(frame->octets, gather) || !close_compressed_data(r, *frame)) return std::nullopt;

  thread_local std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> decompressor(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  if (!decompressor) return std::nullopt;
  const std::uint64_t room = std::min(cap, std::max(kWholeMinRoom, kWholeExpansion * std::uint64_t{z.size()}));
  // Not zero-filled: libdeflate writes before anything is read, and only what it wrote is kept.
  const std::unique_ptr<char[]> out(new char[room]);
  std::size_t used_in = 0;
  std::size_t produced = 0;
  const auto rc = libdeflate_zlib_decompress_ex(decompressor.get(), z.data(), z.size(), out.get(), room, &used_in, &produced);
  if (rc != LIBDEFLATE_SUCCESS || used_in != z.size()) return std::nullopt;
  report.compressed_bytes = z.size();
  report.content_bytes = produced;
  return std::string(out.get(), produced);
}

}  // namespace

Result<std::string> compress(std::string_view content, int level) {
  if (level == Z_DEFAULT_COMPRESSION) level = 6;
  if (level < 0 || level > 9) return fail(Errc::usage, "invalid zlib compression level " + std::to_string(level));
  // A whole buffer: libdeflate, which writes the same format (RFC 1950) as zlib in half
  // zlib's time at the same level, and smaller (docs/benchmarks.md, AS2 pack and
  // unpack). Its compressor holds large tables: one per thread, kept for the next call.
  thread_local std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> compressor(
      nullptr, &libdeflate_free_compressor);
  thread_local int compressor_level = -1;
  if (!compressor || compressor_level != level) {
    compressor.reset(libdeflate_alloc_compressor(level));
    compressor_level = level;
    if (!compressor) return fail(Errc::internal, "libdeflate could not allocate a compressor");
  }
  std::string z(libdeflate_zlib_compress_bound(compressor.get(), content.size()), '\0');
  const std::size_t size = libdeflate_zlib_compress(compressor.get(), content.data(), content.size(), z.data(), z.size());
  if (size == 0) return fail(Errc::internal, "libdeflate compression failed");
  z.resize(size);
  const std::string encap = tlv(0x30, tlv(0x06, kDataOid) + tlv(0xa0, tlv(0x04, z)));
  const std::string compressed_data = tlv(0x30, std::string("\x02\x01\x00", 3) + algorithm_identifier() + encap);
  return tlv(0x30, tlv(0x06, kCompressedDataOid) + tlv(0xa0, compressed_data));
}

Status compress(const io::Input& content, const io::Output& compressed, int level) {
  Deflater deflater(level);
  if (!deflater.ok()) return fail(Errc::usage, "invalid zlib compression level " + std::to_string(level));
  // Indefinite-length form: the compressed size is unknown until the end.
  const std::string header = std::string("\x30\x80", 2) + tlv(0x06, kCompressedDataOid) + std::string("\xa0\x80\x30\x80", 4) +
                             std::string("\x02\x01\x00", 3) + algorithm_identifier() + std::string("\x30\x80", 2) +
                             tlv(0x06, kDataOid) + std::string("\xa0\x80\x24\x80", 4);
  if (auto s = io::write_all(compressed.fd, header); !s) return s;
  // Segments of up to kChunk bytes: each a definite-length primitive OCTET STRING.
  auto emit = [&](std::span<const unsigned char> chunk) -> Status {
    const std::string segment_header = "\x04" + der_length(chunk.size());
    if (auto s = io::write_all(compressed.fd, segment_header); !s) return s;
    return io::write_all(compressed.fd, {reinterpret_cast<const char*>(chunk.data()), chunk.size()});
  };
  std::array<unsigned char, kChunk> buffer{};
  for (;;) {
    const ssize_t n = ::read(content.fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(io::errno_error("reading the content to compress", errno));
    }
    if (auto s = deflater.feed({buffer.data(), static_cast<std::size_t>(n)}, n == 0, emit); !s) return s;
    if (n == 0) break;
  }
  // End-of-contents for the OCTET STRING, [0], encapContentInfo, CompressedData, [0], ContentInfo.
  return io::write_all(compressed.fd, std::string(12, '\0'));
}

Result<std::string> decompress(std::string_view compressed, const DecompressLimits& limits, DecompressReport* report) {
  ERR_clear_error();
  DecompressReport whole_report;
  if (auto whole = decompress_whole(compressed, limits, whole_report)) {
    if (report != nullptr) *report = std::move(whole_report);
    return std::move(*whole);
  }
  ERR_clear_error();
  BioPtr in = memory_source(compressed);
  if (!in) return fail(Errc::usage, "input too large for in-memory decompression; use the stream form");
  std::string out;
  auto result = decompress_from(in.get(), limits, [&](std::span<const unsigned char> chunk) -> Status {
    out.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    return {};
  });
  if (!result) return fail(result.error());
  if (report != nullptr) *report = *result;
  return out;
}

Result<DecompressReport> decompress(const io::Input& compressed, const io::Output& content,
                                    const DecompressLimits& limits) {
  ERR_clear_error();
  BioPtr in = fd_source(compressed);
  if (!in) return tl::unexpected(openssl_error(Errc::internal, "creating a BIO"));
  return decompress_from(in.get(), limits, [&](std::span<const unsigned char> chunk) -> Status {
    return io::write_all(content.fd, {reinterpret_cast<const char*>(chunk.data()), chunk.size()});
  });
}

}  // namespace payload::cms
