// Private to src/cms: a small pull reader for BER (X.690) over a BIO, for the two places
// where OpenSSL's decoder does not serve: RFC 3274 CompressedData, which this OpenSSL
// build cannot decompress, streamed without holding it in memory; and the content
// cipher of an EnvelopedData, which OpenSSL 3.0 has no getter for.
//
// BER, not only DER: indefinite lengths (X.690 §8.1.3.6, what libas2 and Amazon send)
// and constructed OCTET STRINGs (§8.7.3) are accepted.
#pragma once

#include <openssl/bio.h>

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include <payload/core/error.h>

namespace payload::cms::detail {

struct BerHeader {
  int cls = 0;  // 0 universal, 1 application, 2 context, 3 private (X.690 §8.1.2.2)
  bool constructed = false;
  std::uint32_t tag = 0;
  bool indefinite = false;
  std::uint64_t length = 0;  // definite content length
  std::uint64_t content_start = 0;  // offset of the first content byte

  [[nodiscard]] bool is(int c, std::uint32_t t) const noexcept { return cls == c && tag == t; }
  [[nodiscard]] bool is_eoc() const noexcept { return cls == 0 && tag == 0 && !constructed && length == 0; }
};

inline constexpr int kUniversal = 0;
inline constexpr int kContext = 2;
inline constexpr std::uint32_t kInteger = 2, kOctetString = 4, kNull = 5, kOid = 6, kSequence = 16, kSet = 17;

class BerReader final {
public:
  // Reads from `in` (not owned). Nesting depth is capped against hostile input.
  explicit BerReader(BIO* in) : m_in(in) {}

  [[nodiscard]] Result<BerHeader> header();
  // A header that must have this class and tag; `what` names the field in errors.
  [[nodiscard]] Result<BerHeader> expect(int cls, std::uint32_t tag, const char* what);
  // The content of a small primitive element (at most `max` bytes).
  [[nodiscard]] Result<std::string> small_content(const BerHeader& h, std::size_t max, const char* what);
  // Discards an element's content (nested indefinite lengths included).
  [[nodiscard]] Status skip(const BerHeader& h, int depth = 0);
  // Passes `length` content bytes to `sink` in chunks.
  [[nodiscard]] Status stream(std::uint64_t length, const std::function<Status(std::span<const unsigned char>)>& sink);
  // Passes the value of an OCTET STRING (or an IMPLICIT-tagged one, whatever `h`'s tag)
  // to `sink`: primitive, or constructed from nested segments (X.690 §8.7.3).
  [[nodiscard]] Status octets(const BerHeader& h, const std::function<Status(std::span<const unsigned char>)>& sink,
                              int depth = 0);
  // Appends one whole element, header included, to `out` as it was encoded.
  [[nodiscard]] Status copy_element(std::string& out);
  // Ends a constructed element: its EOC when indefinite, else the offset must be exactly
  // at its end (nothing left over, nothing overrun).
  [[nodiscard]] Status close(const BerHeader& h, const char* what);
  // True when the next bytes are an EOC or a definite element `h` has no content left.
  [[nodiscard]] Result<bool> at_end(const BerHeader& h);

  [[nodiscard]] std::uint64_t offset() const noexcept { return m_offset; }

private:
  Result<unsigned char> byte();
  Result<unsigned char> peek();
  Status fill();

  BIO* m_in;
  std::string* m_capture = nullptr;  // while set, every consumed byte is appended here
  std::array<unsigned char, 1 << 16> m_buffer;  // not value-initialised: only filled bytes are read
  std::size_t m_pos = 0;
  std::size_t m_end = 0;
  std::uint64_t m_offset = 0;
};

// The contentEncryptionAlgorithm OID (DER content octets) of an EnvelopedData or
// AuthEnvelopedData ContentInfo (RFC 5652 §6.1, RFC 5083 §2.1).
Result<std::string> content_cipher_oid(std::string_view cms);

}  // namespace payload::cms::detail
