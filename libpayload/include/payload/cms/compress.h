// payload::cms compression: RFC 3274 CompressedData with id-alg-zlibCompress (ZLIB
// framing, RFC 1950), built and parsed here over zlib because the platform's OpenSSL is
// built without zlib. AS2 1.1+ MUST support it (i05 §4.2, RFC 5402). The in-memory
// compress uses libdeflate (the same format, about twice as fast and a little smaller);
// so does the in-memory decompress of a content within DecompressLimits::ratio_grace
// (anything else, and every error, goes through zlib's stream). The stream forms use
// zlib. Each thread keeps the compressor, decompressor and the zlib streams it used for
// its next call (0.2-0.7 MB), released when the thread ends.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <payload/core/error.h>
#include <payload/io/file.h>

namespace payload::cms {

// Guards against decompression bombs: exceeding either limit fails with bad_data before
// the output grows further.
struct DecompressLimits {
  std::uint64_t max_output = std::uint64_t{1} << 30;  // bytes of decompressed content
  // Output may exceed `ratio_grace` bytes only while it stays below max_ratio times the
  // compressed bytes read so far. zlib can reach ~1032:1, real EDI stays far below.
  std::uint64_t max_ratio = 200;
  std::uint64_t ratio_grace = std::uint64_t{1} << 20;
};

struct DecompressReport {
  std::uint64_t compressed_bytes = 0;  // eContent bytes fed to zlib
  std::uint64_t content_bytes = 0;     // bytes written out
  std::string content_type;            // eContentType OID, "1.2.840.113549.1.7.1" (id-data) in AS2
};

// DER CompressedData (ContentInfo) around `content`, eContentType id-data. Levels 0-9 as
// zlib's (-1, zlib's default, is 6).
Result<std::string> compress(std::string_view content, int level = 6);
// Streams: BER with indefinite lengths and 64 KiB OCTET STRING segments.
Status compress(const io::Input& content, const io::Output& compressed, int level = 6);

// Accepts DER and BER (indefinite lengths, constructed OCTET STRINGs). Errors: bad_data
// (not CompressedData, malformed, truncated, corrupt zlib stream, limits exceeded),
// unsupported (a compression algorithm other than zlib).
Result<std::string> decompress(std::string_view compressed, const DecompressLimits& limits = {},
                               DecompressReport* report = nullptr);
// Streams both ways: memory does not grow with the content.
Result<DecompressReport> decompress(const io::Input& compressed, const io::Output& content,
                                    const DecompressLimits& limits = {});

}  // namespace payload::cms
