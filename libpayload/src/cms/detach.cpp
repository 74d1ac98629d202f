// Private to src/cms: split an enveloping CMS into its structure and a spooled content.
#include "detach.h"

#include "ber.h"
#include "openssl.h"

namespace payload::cms::detail {

namespace {

// Content type OIDs (DER content octets).
const std::string kSignedData("\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02", 9);                 // 1.2.840.113549.1.7.2
const std::string kEnvelopedData("\x2a\x86\x48\x86\xf7\x0d\x01\x07\x03", 9);              // 1.2.840.113549.1.7.3
const std::string kAuthEnvelopedData("\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x01\x17", 11);  // 1.2.840.113549.1.9.16.1.23

const std::string kIndefiniteSequence("\x30\x80", 2);
const std::string kEoc("\0\0", 2);

std::string der_length(std::size_t n) {
  if (n < 0x80) return std::string(1, static_cast<char>(n));
  std::string bytes;
  for (; n > 0; n >>= 8) bytes.insert(bytes.begin(), static_cast<char>(n & 0xff));
  return static_cast<char>(0x80 | bytes.size()) + bytes;
}

// Copies the remaining children of `h` as they are.
Status copy_rest(BerReader& r, const BerHeader& h, std::string& out) {
  for (;;) {
    auto end = r.at_end(h);
    if (!end) return fail(end.error());
    if (*end) return r.close(h, "CMS structure");
    if (auto s = r.copy_element(out); !s) return s;
  }
}

}  // namespace

Result<Detached> detach_content(BIO* in, int spool_fd) {
  BerReader r(in);
  Detached d;
  auto spool = [&](std::span<const unsigned char> chunk) -> Status {
    return io::write_all(spool_fd, {reinterpret_cast<const char*>(chunk.data()), chunk.size()});
  };

  auto content_info = r.expect(kUniversal, kSequence, "ContentInfo");
  if (!content_info) return fail(content_info.error());
  auto type = r.expect(kUniversal, kOid, "contentType");
  if (!type) return fail(type.error());
  auto oid = r.small_content(*type, 64, "contentType");
  if (!oid) return fail(oid.error());
  if (*oid == kSignedData) d.type = CmsType::signed_data;
  else if (*oid == kEnvelopedData) d.type = CmsType::enveloped_data;
  else if (*oid == kAuthEnvelopedData) d.type = CmsType::auth_enveloped_data;
  else return fail(Errc::bad_data, "not a SignedData, EnvelopedData or AuthEnvelopedData");
  auto explicit0 = r.expect(kContext, 0, "content [0]");
  if (!explicit0) return fail(explicit0.error());
  auto body = r.expect(kUniversal, kSequence, "CMS content");
  if (!body) return fail(body.error());

  // Outer lengths change, so the rebuilt structure uses indefinite lengths (BER).
  d.cms = kIndefiniteSequence + "\x06" + der_length(oid->size()) + *oid + std::string("\xa0\x80", 2) + kIndefiniteSequence;
  if (auto s = r.copy_element(d.cms); !s) return fail(s.error());  // version

  if (d.type == CmsType::signed_data) {
    // SignedData: version, digestAlgorithms, encapContentInfo { eContentType, [0] eContent }, ...
    if (auto s = r.copy_element(d.cms); !s) return fail(s.error());  // digestAlgorithms
    auto encap = r.expect(kUniversal, kSequence, "encapContentInfo");
    if (!encap) return fail(encap.error());
    std::string inner;
    if (auto s = r.copy_element(inner); !s) return fail(s.error());  // eContentType
    auto absent = r.at_end(*encap);
    if (!absent) return fail(absent.error());
    if (!*absent) {
      auto explicit_content = r.expect(kContext, 0, "eContent [0]");
      if (!explicit_content) return fail(explicit_content.error());
      auto octets = r.expect(kUniversal, kOctetString, "eContent");
      if (!octets) return fail(octets.error());
      if (auto s = r.octets(*octets, spool); !s) return fail(s.error());
      if (auto s = r.close(*explicit_content, "eContent"); !s) return fail(s.error());
      d.had_content = true;
    }
    if (auto s = r.close(*encap, "encapContentInfo"); !s) return fail(s.error());
    d.cms += kIndefiniteSequence + inner + kEoc;
  } else {
    // (Auth)EnvelopedData: version, originatorInfo [0] OPTIONAL, recipientInfos,
    // (auth)encryptedContentInfo { contentType, contentEncryptionAlgorithm,
    // [0] IMPLICIT encryptedContent OPTIONAL }, ...
    for (int i = 0; i < 2; ++i) {  // originatorInfo (if any) and recipientInfos
      std::string element;
      if (auto s = r.copy_element(element); !s) return fail(s.error());
      d.cms += element;
      if (static_cast<unsigned char>(element[0]) == 0x31) break;  // the SET of recipientInfos
      if (i == 1) return fail(Errc::bad_data, "malformed CMS: expected recipientInfos");
    }
    auto eci = r.expect(kUniversal, kSequence, "EncryptedContentInfo");
    if (!eci) return fail(eci.error());
    std::string inner;
    if (auto s = r.copy_element(inner); !s) return fail(s.error());  // contentType
    const std::size_t algorithm_at = inner.size();
    if (auto s = r.copy_element(inner); !s) return fail(s.error());  // contentEncryptionAlgorithm
    {
      // Its OID, for the cipher policy: SEQUENCE header, then 06 len octets.
      auto alg_bio = memory_source(std::string_view(inner).substr(algorithm_at));
      BerReader alg(alg_bio.get());
      auto seq = alg.expect(kUniversal, kSequence, "contentEncryptionAlgorithm");
      if (!seq) return fail(seq.error());
      auto alg_oid = alg.expect(kUniversal, kOid, "content cipher OID");
      if (!alg_oid) return fail(alg_oid.error());
      auto octets = alg.small_content(*alg_oid, 64, "content cipher OID");
      if (!octets) return fail(octets.error());
      d.cipher_oid = *octets;
    }
    auto absent = r.at_end(*eci);
    if (!absent) return fail(absent.error());
    if (!*absent) {
      auto content = r.expect(kContext, 0, "encryptedContent [0]");
      if (!content) return fail(content.error());
      if (auto s = r.octets(*content, spool); !s) return fail(s.error());
      d.had_content = true;
    }
    if (auto s = r.close(*eci, "EncryptedContentInfo"); !s) return fail(s.error());
    d.cms += kIndefiniteSequence + inner + kEoc;
  }
  // The rest (certificates, crls, signerInfos / unprotectedAttrs, authAttrs, mac, ...)
  // is copied as it is.
  if (auto s = copy_rest(r, *body, d.cms); !s) return fail(s.error());
  if (auto s = r.close(*explicit0, "content [0]"); !s) return fail(s.error());
  if (auto s = r.close(*content_info, "ContentInfo"); !s) return fail(s.error());
  d.cms += kEoc + kEoc + kEoc;
  return d;
}

}  // namespace payload::cms::detail
