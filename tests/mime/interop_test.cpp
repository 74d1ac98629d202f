// Real AS2 traffic from other implementations (pyas2-lib 1.4.4, libas2 0.8.2), in
// PAYLOAD_SHARED_DIR/interop/as2: every message and every MDN is re-created from its HTTP
// headers and body and taken apart. OpenSSL (test-only) hashes and verifies the signed
// parts: if mime handed out one byte too many or too few, the MIC the sender recorded
// and the sender's signature would not match.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <payload/mime/content_type.h>
#include <payload/mime/header.h>
#include <payload/mime/http.h>
#include <payload/mime/multipart.h>

#include "interop_json.h"
#include "support/temp_dir.h"

using namespace payload;
using namespace payload::mime;
namespace fs = std::filesystem;

namespace {

const fs::path kInterop = fs::path(PAYLOAD_SHARED_DIR) / "interop" / "as2";

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct HttpFile {
  Pairs headers;
  std::string body;
};

// NAME.as2 / NAME.mdn: HTTP header lines (CRLF), an empty line, the raw HTTP body.
HttpFile read_http_file(const fs::path& path) {
  const std::string bytes = payload::test::read_file(path);
  const std::size_t blank = bytes.find("\r\n\r\n");
  REQUIRE(blank != std::string::npos);
  auto block = parse_header_block(bytes);
  REQUIRE(block);
  REQUIRE(block->terminated);
  // Cross-check the parser against a plain search: the body starts after the first empty line.
  REQUIRE(block->size == blank + 4);
  CHECK(block->headers.size() == static_cast<std::size_t>(std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(blank + 2), '\n')));
  HttpFile file;
  for (const HeaderField& field : block->headers) file.headers.emplace_back(field.name, field.value);
  file.body = bytes.substr(block->size);
  return file;
}

std::string http_header(const Pairs& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return {};
}

std::vector<fs::path> files_with_extension(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == extension) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// "sha-256", "SHA256", "sha_256" -> "sha256": the name OpenSSL knows (as2-specs §3.3).
std::string normalize_micalg(std::string_view micalg) {
  std::string out;
  for (const char c : micalg) {
    if (c != '-' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// base64 of the digest, computed and encoded by OpenSSL alone.
std::string openssl_mic(std::string_view micalg, std::string_view data) {
  const EVP_MD* md = EVP_get_digestbyname(normalize_micalg(micalg).c_str());
  REQUIRE(md != nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  REQUIRE(EVP_Digest(data.data(), data.size(), digest, &size, md, nullptr) == 1);
  std::string encoded(4 * ((size + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), digest, static_cast<int>(size));
  encoded.resize(static_cast<std::size_t>(length));
  return encoded;
}

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct CmsFree {
  void operator()(CMS_ContentInfo* cms) const { CMS_ContentInfo_free(cms); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct X509StackFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};

std::unique_ptr<CMS_ContentInfo, CmsFree> read_cms(std::string_view der) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(der.data(), static_cast<int>(der.size())));
  REQUIRE(bio);
  return std::unique_ptr<CMS_ContentInfo, CmsFree>(d2i_CMS_bio(bio.get(), nullptr));
}

// True when `signature` (DER CMS SignedData) is a valid detached signature over exactly
// `content` by the key of the certificate at `cert_path`. Only that certificate is
// considered (CMS_NOINTERN); the chain is not validated, the test keys are self-signed.
bool cms_signature_verifies(std::string_view signature, std::string_view content, const fs::path& cert_path) {
  auto cms = read_cms(signature);
  REQUIRE(cms);
  std::unique_ptr<BIO, BioFree> cert_bio(BIO_new_file(cert_path.c_str(), "r"));
  REQUIRE(cert_bio);
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  REQUIRE(cert);
  std::unique_ptr<STACK_OF(X509), X509StackFree> certs(sk_X509_new_null());
  REQUIRE(sk_X509_push(certs.get(), cert.get()) == 1);
  std::unique_ptr<BIO, BioFree> data(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  const int ok = CMS_verify(cms.get(), certs.get(), nullptr, data.get(), nullptr,
                            CMS_BINARY | CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY);
  return ok == 1;
}

// `der` is exactly one SEQUENCE: definite length covering all of it, or BER indefinite
// length ending in end-of-contents octets. Catches a body cut short or a stray CRLF.
void check_single_sequence(std::string_view der) {
  REQUIRE(der.size() >= 4);
  CHECK(static_cast<unsigned char>(der[0]) == 0x30);
  const auto first = static_cast<unsigned char>(der[1]);
  if (first == 0x80) {
    CHECK(der.substr(der.size() - 2) == std::string_view("\0\0", 2));
    return;
  }
  std::size_t header = 2;
  std::size_t length = first;
  if (first > 0x80) {
    const std::size_t count = first & 0x7f;
    REQUIRE(count <= 4);
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = length << 8 | static_cast<unsigned char>(der[2 + i]);
    header += count;
  }
  CHECK(header + length == der.size());
}

// The decoded body of an application/pkcs7-mime entity is one CMS object of `nid`.
void check_pkcs7_mime(const Entity& entity, std::string_view smime_type, int nid) {
  auto type = entity.content_type();
  REQUIRE(type);
  CHECK(type->is("application/pkcs7-mime"));
  CHECK(type->parameter("smime-type") == std::optional<std::string_view>(smime_type));
  auto der = entity.decoded_body();
  REQUIRE(der);
  check_single_sequence(*der);
  auto cms = read_cms(*der);
  REQUIRE(cms);
  CHECK(OBJ_obj2nid(CMS_get0_type(cms.get())) == nid);
}

// The second part of a multipart/signed: a base64 CMS signature.
std::string check_signature_part(const Entity& part) {
  auto type = part.content_type();
  REQUIRE(type);
  CHECK((type->is("application/pkcs7-signature") || type->is("application/x-pkcs7-signature")));
  CHECK(part.transfer_encoding() == TransferEncoding::base64);
  auto der = part.decoded_body();
  REQUIRE(der);
  check_single_sequence(*der);
  return *der;
}

struct Counts {
  std::size_t signed_clear = 0;
  std::size_t enveloped = 0;
  std::size_t compressed = 0;
  std::size_t plain = 0;
};

void check_message(const fs::path& path, Counts& counts) {
  INFO(path.filename().string());
  fs::path json_path = path;
  json_path.replace_extension(".json");
  REQUIRE(fs::exists(json_path));
  const auto json = payload::test::FlatJson::parse(payload::test::read_file(json_path));
  const bool is_signed = json.boolean("signed");
  const bool is_encrypted = json.boolean("encrypted");
  const bool is_compressed = json.boolean("compressed");
  const std::string payload_bytes = payload::test::read_file(kInterop / *json.string("payload"));

  CHECK(fs::file_size(path) == json.integer("bytes"));
  const HttpFile file = read_http_file(path);
  CHECK(http_header(file.headers, "Message-ID") == "<" + *json.string("message_id") + ">");
  CHECK(http_header(file.headers, "AS2-From") == "PEER_A");
  CHECK(http_header(file.headers, "AS2-To") == "PEER_B");

  auto entity = entity_from_http(file.headers, file.body);
  REQUIRE(entity);
  CHECK(entity->body() == file.body);
  auto type = entity->content_type();
  REQUIRE(type);

  if (is_encrypted) {
    // Encrypted (maybe signed and compressed inside): pyas2 sends binary DER, libas2
    // base64 BER with the CTE as an HTTP header.
    check_pkcs7_mime(*entity, "enveloped-data", NID_pkcs7_enveloped);
    ++counts.enveloped;
  } else if (is_compressed) {
    REQUIRE_FALSE(is_signed);  // no signed-then-compressed-only vector exists; fail if one appears
    check_pkcs7_mime(*entity, "compressed-data", NID_id_smime_ct_compressedData);
    ++counts.compressed;
  } else if (is_signed) {
    CHECK(type->is("multipart/signed"));
    CHECK(type->parameter("protocol") == std::optional<std::string_view>("application/pkcs7-signature"));
    const auto micalg = json.string("micalg");
    REQUIRE(micalg);
    CHECK(normalize_micalg(type->parameter("micalg").value_or("")) == normalize_micalg(*micalg));
    auto parts = split_multipart(*entity);
    REQUIRE(parts);
    REQUIRE(parts->size() == 2);
    const Entity& signed_part = (*parts)[0];
    auto payload_type = signed_part.content_type();
    REQUIRE(payload_type);
    CHECK(payload_type->is("application/edi-x12"));
    // The payload comes back exactly, whatever CTE the producer chose (7bit or base64).
    CHECK(signed_part.decoded_body() == payload_bytes);
    // RFC 4130 7.3.1: the MIC covers the first part with its headers, exactly as sent.
    CHECK(openssl_mic(*micalg, signed_part.raw()) == *json.string("mic"));
    const std::string signature = check_signature_part((*parts)[1]);
    CHECK(cms_signature_verifies(signature, signed_part.raw(), kInterop / "keys" / "a.crt"));
    // The CRLF before the delimiter belongs to the delimiter: with it, nothing verifies.
    CHECK_FALSE(cms_signature_verifies(signature, std::string(signed_part.raw()) + "\r\n", kInterop / "keys" / "a.crt"));
    CHECK_FALSE(cms_signature_verifies(signature, signed_part.raw(), kInterop / "keys" / "b.crt"));
    ++counts.signed_clear;
  } else {
    // Plain: the HTTP body is the payload itself (RFC 4130 7.3.1 third bullet).
    CHECK(type->is("application/edi-x12"));
    CHECK(entity->decoded_body() == payload_bytes);
    ++counts.plain;
  }
}

void check_mdn(const fs::path& path, std::size_t& signed_mdns) {
  INFO(path.filename().string());
  fs::path json_path = path;
  json_path.replace_extension(".json");
  REQUIRE(fs::exists(json_path));
  const auto json = payload::test::FlatJson::parse(payload::test::read_file(json_path));
  // The MDN answers messages/NAME.as2; its MIC is the one that message's sender expects.
  const auto message_json = payload::test::FlatJson::parse(
      payload::test::read_file(kInterop / "messages" / path.filename().replace_extension(".json")));

  const HttpFile file = read_http_file(path);
  CHECK(http_header(file.headers, "AS2-From") == "PEER_B");
  CHECK(http_header(file.headers, "AS2-To") == "PEER_A");
  auto entity = entity_from_http(file.headers, file.body);
  REQUIRE(entity);
  CHECK(entity->body() == file.body);
  auto type = entity->content_type();
  REQUIRE(type);

  // The message asked for a signed MDN unless it was sent with "--mdn-sign none".
  const std::string options = *message_json.string("options");
  const std::size_t sign_option = options.find("--mdn-sign ");
  REQUIRE(sign_option != std::string::npos);
  const std::string mdn_digest = options.substr(sign_option + 11, options.find(' ', sign_option + 11) - sign_option - 11);

  Entity report = *entity;
  if (mdn_digest != "none") {
    REQUIRE(type->is("multipart/signed"));
    CHECK(normalize_micalg(type->parameter("micalg").value_or("")) == normalize_micalg(mdn_digest));
    // i05 8.1: the multipart/report is signed including its MIME headers.
    auto parts = split_multipart(*entity);
    REQUIRE(parts);
    REQUIRE(parts->size() == 2);
    report = (*parts)[0];
    const std::string signature = check_signature_part((*parts)[1]);
    CHECK(cms_signature_verifies(signature, report.raw(), kInterop / "keys" / "b.crt"));
    CHECK_FALSE(cms_signature_verifies(signature, std::string(report.raw()) + "\r\n", kInterop / "keys" / "b.crt"));
    ++signed_mdns;
  }

  auto report_type = report.content_type();
  REQUIRE(report_type);
  CHECK(report_type->is("multipart/report"));
  CHECK(report_type->parameter("report-type") == std::optional<std::string_view>("disposition-notification"));
  auto report_parts = split_multipart(report);
  REQUIRE(report_parts);
  REQUIRE(report_parts->size() == 2);
  CHECK((*report_parts)[0].content_type()->is("text/plain"));
  const Entity& notification = (*report_parts)[1];
  CHECK(notification.content_type()->is("message/disposition-notification"));
  CHECK(notification.depth() == report.depth() + 1);

  // RFC 8098 3.1: the notification's body is a block of header-like fields.
  auto text = notification.decoded_body();
  REQUIRE(text);
  auto fields = parse_header_block(*text);
  REQUIRE(fields);
  const Headers& mdn = fields->headers;
  CHECK(mdn.value("Original-Message-ID") == std::optional<std::string_view>("<" + *json.string("message_id") + ">"));
  CHECK(mdn.value("Final-Recipient") == std::optional<std::string_view>("rfc822; PEER_B"));
  CHECK(mdn.value("Disposition") ==
        std::optional<std::string_view>("automatic-action/MDN-sent-automatically; " + *json.string("status")));
  const auto mic = json.string("mic");
  CHECK(mic == message_json.string("mic"));
  if (mic) {
    const auto received = mdn.value("Received-Content-MIC");
    REQUIRE(received);
    const std::size_t comma = received->find(',');
    REQUIRE(comma != std::string_view::npos);
    CHECK(received->substr(0, comma) == *mic);
    std::string_view algorithm = received->substr(comma + 1);
    while (!algorithm.empty() && algorithm.front() == ' ') algorithm.remove_prefix(1);
    CHECK(algorithm == *json.string("micalg"));
  } else {
    CHECK_FALSE(mdn.find("Received-Content-MIC"));
  }
}

}  // namespace

TEST_CASE("every interop AS2 message re-creates into the entity its producer built") {
  const auto messages = files_with_extension(kInterop / "messages", ".as2");
  REQUIRE_FALSE(messages.empty());
  CHECK(messages.size() == files_with_extension(kInterop / "messages", ".json").size());
  Counts counts;
  for (const fs::path& path : messages) check_message(path, counts);
  // Each shape must actually have been seen, or the checks above proved less than they say.
  CHECK(counts.signed_clear > 0);
  CHECK(counts.enveloped > 0);
  CHECK(counts.compressed > 0);
  CHECK(counts.plain > 0);
  CHECK(counts.signed_clear + counts.enveloped + counts.compressed + counts.plain == messages.size());
}

TEST_CASE("every interop MDN parses into a disposition notification") {
  const auto mdns = files_with_extension(kInterop / "mdns", ".mdn");
  REQUIRE_FALSE(mdns.empty());
  CHECK(mdns.size() == files_with_extension(kInterop / "mdns", ".json").size());
  std::size_t signed_mdns = 0;
  for (const fs::path& path : mdns) check_mdn(path, signed_mdns);
  // Both kinds must have been seen.
  CHECK(signed_mdns > 0);
  CHECK(signed_mdns < mdns.size());
}
