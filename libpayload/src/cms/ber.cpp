// Private BER pull reader of src/cms (X.690 §8.1).
#include "ber.h"

#include <algorithm>

#include "openssl.h"

namespace payload::cms::detail {

namespace {
constexpr int kMaxDepth = 32;
// Copied structure (certificates, signer infos, recipient infos) is small in real
// messages; a hostile one must not make memory grow with the input.
constexpr std::size_t kMaxCapture = std::size_t{16} << 20;
}

Status BerReader::fill() {
  if (m_pos < m_end) return {};
  const int n = BIO_read(m_in, m_buffer.data(), static_cast<int>(m_buffer.size()));
  if (n <= 0) {
    if (ERR_peek_error() != 0) return tl::unexpected(openssl_error(Errc::io, "reading CMS input"));
    return fail(Errc::bad_data, "CMS input is truncated at byte " + std::to_string(m_offset));
  }
  m_pos = 0;
  m_end = static_cast<std::size_t>(n);
  return {};
}

Result<unsigned char> BerReader::peek() {
  if (auto s = fill(); !s) return fail(s.error());
  return m_buffer[m_pos];
}

Result<unsigned char> BerReader::byte() {
  auto b = peek();
  if (b) {
    if (m_capture != nullptr) {
      if (m_capture->size() >= kMaxCapture) return fail(Errc::bad_data, "CMS structure too large");
      m_capture->push_back(static_cast<char>(*b));
    }
    ++m_pos;
    ++m_offset;
  }
  return b;
}

Result<BerHeader> BerReader::header() {
  BerHeader h;
  auto first = byte();
  if (!first) return fail(first.error());
  h.cls = *first >> 6;
  h.constructed = (*first & 0x20) != 0;
  h.tag = *first & 0x1f;
  if (h.tag == 0x1f) {  // high tag number form, X.690 §8.1.2.4
    h.tag = 0;
    for (int i = 0;; ++i) {
      auto b = byte();
      if (!b) return fail(b.error());
      if (i == 4) return fail(Errc::bad_data, "BER tag number too large");
      h.tag = (h.tag << 7) | (*b & 0x7fU);
      if ((*b & 0x80) == 0) break;
    }
  }
  auto len = byte();
  if (!len) return fail(len.error());
  if (*len == 0x80) {
    if (!h.constructed) return fail(Errc::bad_data, "indefinite length on a primitive BER element");
    h.indefinite = true;
  } else if ((*len & 0x80) != 0) {
    const int count = *len & 0x7f;
    if (count > 8) return fail(Errc::bad_data, "BER length too large");
    for (int i = 0; i < count; ++i) {
      auto b = byte();
      if (!b) return fail(b.error());
      if (h.length > (UINT64_MAX >> 8)) return fail(Errc::bad_data, "BER length too large");
      h.length = (h.length << 8) | *b;
    }
  } else {
    h.length = *len;
  }
  h.content_start = m_offset;
  return h;
}

Result<BerHeader> BerReader::expect(int cls, std::uint32_t tag, const char* what) {
  auto h = header();
  if (!h) return h;
  if (!h->is(cls, tag))
    return fail(Errc::bad_data, std::string("malformed CMS: expected ") + what + " at byte " +
                                    std::to_string(h->content_start));
  return h;
}

Result<std::string> BerReader::small_content(const BerHeader& h, std::size_t max, const char* what) {
  if (h.constructed || h.length > max) return fail(Errc::bad_data, std::string("malformed CMS: bad ") + what);
  std::string out;
  auto s = stream(h.length, [&](std::span<const unsigned char> chunk) -> Status {
    out.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    return {};
  });
  if (!s) return fail(s.error());
  return out;
}

Status BerReader::stream(std::uint64_t length, const std::function<Status(std::span<const unsigned char>)>& sink) {
  while (length > 0) {
    if (auto s = fill(); !s) return s;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(length, m_end - m_pos));
    if (m_capture != nullptr) {
      if (m_capture->size() + n > kMaxCapture) return fail(Errc::bad_data, "CMS structure too large");
      m_capture->append(reinterpret_cast<const char*>(m_buffer.data() + m_pos), n);
    }
    if (auto s = sink({m_buffer.data() + m_pos, n}); !s) return s;
    m_pos += n;
    m_offset += n;
    length -= n;
  }
  return {};
}

Status BerReader::skip(const BerHeader& h, int depth) {
  if (depth > kMaxDepth) return fail(Errc::bad_data, "BER nesting too deep");
  if (!h.indefinite) return stream(h.length, [](std::span<const unsigned char>) -> Status { return {}; });
  for (;;) {
    auto child = header();
    if (!child) return fail(child.error());
    if (child->is_eoc()) return {};
    if (auto s = skip(*child, depth + 1); !s) return s;
  }
}

Status BerReader::octets(const BerHeader& h, const std::function<Status(std::span<const unsigned char>)>& sink,
                         int depth) {
  if (!h.constructed) return stream(h.length, sink);
  if (depth > 8) return fail(Errc::bad_data, "malformed CMS: OCTET STRING nested too deep");
  for (;;) {
    auto end = at_end(h);
    if (!end) return fail(end.error());
    if (*end) break;
    auto child = header();
    if (!child) return fail(child.error());
    if (!child->is(kUniversal, kOctetString)) return fail(Errc::bad_data, "malformed CMS: bad OCTET STRING segment");
    if (auto s = octets(*child, sink, depth + 1); !s) return s;
  }
  return close(h, "OCTET STRING");
}

Status BerReader::copy_element(std::string& out) {
  m_capture = &out;
  auto h = header();
  Status s = h ? skip(*h) : Status(fail(h.error()));
  m_capture = nullptr;
  return s;
}

Result<bool> BerReader::at_end(const BerHeader& h) {
  if (!h.indefinite) return m_offset >= h.content_start + h.length;
  auto first = peek();
  if (!first) return fail(first.error());
  if (*first != 0) return false;
  // A 0x00 identifier can only start an EOC in the places this reader looks.
  return true;
}

Status BerReader::close(const BerHeader& h, const char* what) {
  if (h.indefinite) {
    auto eoc = header();
    if (!eoc) return fail(eoc.error());
    if (!eoc->is_eoc()) return fail(Errc::bad_data, std::string("malformed CMS: unexpected data at the end of ") + what);
    return {};
  }
  if (m_offset != h.content_start + h.length)
    return fail(Errc::bad_data, std::string("malformed CMS: length mismatch in ") + what);
  return {};
}

Result<std::string> content_cipher_oid(std::string_view cms) {
  BioPtr bio = memory_source(cms);
  if (!bio) return fail(Errc::bad_data, "CMS input too large");
  BerReader r(bio.get());
  // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }  (RFC 5652 §3)
  if (auto h = r.expect(kUniversal, kSequence, "ContentInfo"); !h) return fail(h.error());
  auto type = r.expect(kUniversal, kOid, "contentType");
  if (!type) return fail(type.error());
  if (auto s = r.skip(*type); !s) return fail(s.error());
  if (auto h = r.expect(kContext, 0, "content [0]"); !h) return fail(h.error());
  // EnvelopedData / AuthEnvelopedData ::= SEQUENCE { version, originatorInfo [0] OPTIONAL,
  // recipientInfos SET, (auth)encryptedContentInfo SEQUENCE { contentType,
  // contentEncryptionAlgorithm AlgorithmIdentifier, ... } ... }
  if (auto h = r.expect(kUniversal, kSequence, "EnvelopedData"); !h) return fail(h.error());
  auto version = r.expect(kUniversal, kInteger, "version");
  if (!version) return fail(version.error());
  if (auto s = r.skip(*version); !s) return fail(s.error());
  auto next = r.header();
  if (!next) return fail(next.error());
  if (next->is(kContext, 0)) {  // originatorInfo
    if (auto s = r.skip(*next); !s) return fail(s.error());
    next = r.header();
    if (!next) return fail(next.error());
  }
  if (!next->is(kUniversal, kSet)) return fail(Errc::bad_data, "malformed CMS: expected recipientInfos");
  if (auto s = r.skip(*next); !s) return fail(s.error());
  if (auto h = r.expect(kUniversal, kSequence, "EncryptedContentInfo"); !h) return fail(h.error());
  auto inner_type = r.expect(kUniversal, kOid, "contentType");
  if (!inner_type) return fail(inner_type.error());
  if (auto s = r.skip(*inner_type); !s) return fail(s.error());
  if (auto h = r.expect(kUniversal, kSequence, "contentEncryptionAlgorithm"); !h) return fail(h.error());
  auto oid = r.expect(kUniversal, kOid, "content cipher OID");
  if (!oid) return fail(oid.error());
  return r.small_content(*oid, 64, "content cipher OID");
}

}  // namespace payload::cms::detail
