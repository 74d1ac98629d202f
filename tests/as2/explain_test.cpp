// The MIC-mismatch explainer names the variant a partner used. The "partner MICs" here
// are computed from bytes the test takes out of the message with the mime and cms
// modules and hashes with `openssl dgst`, not with the code under test.
#include <catch2/catch.hpp>

#include <payload/as2/mic_explain.h>
#include <payload/as2/pack.h>
#include <payload/cms/compress.h>
#include <payload/cms/decrypt.h>
#include <payload/mime/base64.h>
#include <payload/mime/canonicalize.h>
#include <payload/mime/http.h>
#include <payload/mime/multipart.h>

#include "as2_fixture.h"

using namespace payload;
using namespace payload::as2;

namespace {

PackedMessage packed(Compression compression, bool encrypt, const std::string& payload) {
  const auto& keys = test::As2Keys::get();
  PackOptions options = test::base_pack_options();
  options.sign = SignSpec{keys.identity(), {}, mdn::MicalgSpelling::rfc5751};
  options.compression = compression;
  if (encrypt) options.encrypt = EncryptSpec{{keys.identity().certificate}, {}};
  auto message = pack(payload, options);
  REQUIRE(message);
  return *message;
}

mime::Entity outer_entity(const PackedMessage& message) {
  auto entity = mime::entity_from_http(message.http.headers, message.http.body);
  REQUIRE(entity);
  return *entity;
}

std::vector<mime::Entity> parts_of(const mime::Entity& multipart) {
  auto parts = mime::split_multipart(multipart);
  REQUIRE(parts);
  REQUIRE(parts->size() == 2);
  return *parts;
}

std::string sha256(std::string_view bytes) {
  test::TempDir dir;
  test::write_file(dir / "bytes", bytes);
  return test::openssl_digest("sha256", dir / "bytes");
}

MicExplanation explain(const PackedMessage& message, const std::string& mic, const std::string& micalg) {
  ExplainOptions options;
  options.identities = {test::As2Keys::get().identity()};
  auto explanation = explain_mic(message.http.wire(), mic, micalg, options);
  INFO((explanation ? std::string() : explanation.error().message()));
  REQUIRE(explanation);
  INFO(explanation->summary);
  CHECK(explanation->expected == message.mic);
  return *explanation;
}

}  // namespace

TEST_CASE("explainer: the right MIC is the RFC one, also under another spelling", "[as2][explain]") {
  const PackedMessage message = packed(Compression::none, true, test::pseudo_random_bytes(3000, 31));
  MicExplanation e = explain(message, message.mic.digest, "sha-256");
  REQUIRE(e.match);
  CHECK(e.match->rfc);
  CHECK(e.match->variant == "signed-part.with-headers");
  CHECK(e.summary.find("is the RFC one") != std::string::npos);
  e = explain(message, message.mic.digest, "SHA256");
  REQUIRE(e.match);
  CHECK(e.match->rfc);
  CHECK(e.returned_micalg == cms::DigestAlg::sha256);
  CHECK(e.summary.find("non-canonical spelling") != std::string::npos);
}

TEST_CASE("explainer: MIC computed without the signed part's headers", "[as2][explain]") {
  const PackedMessage message = packed(Compression::none, false, test::pseudo_random_bytes(3000, 32));
  const auto parts = parts_of(outer_entity(message));
  const MicExplanation e = explain(message, sha256(parts[0].body()), "sha-256");
  REQUIRE(e.match);
  CHECK_FALSE(e.match->rfc);
  CHECK(e.match->variant == "signed-part.body-only");
  CHECK(e.summary.find("left the MIME headers of the signed part out") != std::string::npos);
}

TEST_CASE("explainer: compressed before signing, partner hashed as if after", "[as2][explain]") {
  const PackedMessage message = packed(Compression::before_signing, false, test::pseudo_random_bytes(3000, 33));
  // The signed part is the compressed entity; inside it, the payload entity.
  const auto parts = parts_of(outer_entity(message));
  auto der = parts[0].decoded_body();
  REQUIRE(der);
  auto payload_entity = cms::decompress(*der);
  REQUIRE(payload_entity);
  const MicExplanation e = explain(message, sha256(*payload_entity), "sha-256");
  REQUIRE(e.match);
  CHECK(e.match->variant == "payload.with-headers");
  CHECK(e.summary.find("as if the message had been compressed after signing") != std::string::npos);
}

TEST_CASE("explainer: compressed after signing, partner hashed as if before", "[as2][explain]") {
  const auto& keys = test::As2Keys::get();
  const PackedMessage message = packed(Compression::after_signing, true, test::pseudo_random_bytes(3000, 34));
  auto outer = outer_entity(message);
  auto der = outer.decoded_body();
  REQUIRE(der);
  auto compressed_entity = cms::decrypt(*der, {keys.identity()});
  REQUIRE(compressed_entity);
  const MicExplanation e = explain(message, sha256(*compressed_entity), "sha-256");
  REQUIRE(e.match);
  CHECK(e.match->variant == "compressed-entity.with-headers");
  CHECK(e.summary.find("as if the message had been compressed before signing") != std::string::npos);
}

TEST_CASE("explainer: CRLF canonicalisation, the wrong digest, and no match at all", "[as2][explain]") {
  // A plain message whose application/* body has bare LFs; the partner turned them into CRLF.
  PackOptions options = test::base_pack_options();
  auto plain = pack(std::string("line 1\nline 2\nline 3\n"), options);
  REQUIRE(plain);
  MicExplanation e = explain(*plain, sha256(mime::canonicalize(plain->http.body)), "sha-256");
  REQUIRE(e.match);
  CHECK(e.match->variant == "payload.body-only.crlf");
  CHECK(e.summary.find("bare LF into CRLF") != std::string::npos);

  // The right bytes, but SHA-1 (the partner ignored the signing digest), labelled sha-256.
  const PackedMessage message = packed(Compression::none, false, test::pseudo_random_bytes(2000, 35));
  const auto parts = parts_of(outer_entity(message));
  test::TempDir dir;
  test::write_file(dir / "part", parts[0].raw());
  e = explain(message, test::openssl_digest("sha1", dir / "part"), "sha-256");
  REQUIRE(e.match);
  CHECK(e.match->rfc);
  CHECK(e.match->mic.algorithm == cms::DigestAlg::sha1);
  CHECK(e.summary.find("instead of sha-256") != std::string::npos);
  CHECK(e.summary.find("has the length of sha1") != std::string::npos);

  // Bytes this message does not contain.
  e = explain(message, sha256("something else"), "sha-256");
  CHECK_FALSE(e.match);
  CHECK(e.candidates.size() >= 4);
  CHECK(e.summary.find("None of the") != std::string::npos);
  e = explain(message, std::string(17, 'x'), "sha-256");
  CHECK_FALSE(e.match);
  CHECK(e.summary.find("length of no supported digest") != std::string::npos);
  e = explain(message, message.mic.digest, "sha3-256");
  REQUIRE(e.match);
  CHECK(e.summary.find("names no known digest") != std::string::npos);
}

TEST_CASE("explainer: a base64 payload part re-encoded as binary before hashing", "[as2][explain]") {
  const auto& keys = test::As2Keys::get();
  PackOptions options = test::base_pack_options();
  options.sign = SignSpec{keys.identity(), {}, mdn::MicalgSpelling::rfc5751};
  options.payload_encoding = BodyEncoding::base64;
  const std::string payload = test::pseudo_random_bytes(1000, 36);
  auto message = pack(payload, options);
  REQUIRE(message);
  const auto parts = parts_of(outer_entity(*message));
  std::string headers(parts[0].header_bytes());
  const auto at = headers.find("Content-Transfer-Encoding: base64");
  REQUIRE(at != std::string::npos);
  headers.replace(at, 33, "Content-Transfer-Encoding: binary");
  const MicExplanation e = explain(*message, sha256(headers + "\r\n" + payload), "sha-256");
  REQUIRE(e.match);
  CHECK(e.match->variant == "signed-part.reencoded-binary");
  CHECK(e.summary.find("another Content-Transfer-Encoding") != std::string::npos);
}

TEST_CASE("explainer: needs a key that opens the message", "[as2][explain]") {
  const PackedMessage message = packed(Compression::none, true, "x");
  ExplainOptions options;
  options.identities = {test::As2Keys::get().a()};
  auto explanation = explain_mic(message.http.wire(), message.mic.digest, "sha-256", options);
  REQUIRE_FALSE(explanation);
  CHECK(explanation.error().code() == Errc::no_key);
}
