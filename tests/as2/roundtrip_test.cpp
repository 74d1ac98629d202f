// pack -> wire -> unpack for every digest x content cipher x compression order, signed
// and unsigned, with the openssl-made key pair (10 KiB payload). Each run checks the
// payload bytes, the MIC both sides recorded, and what the report says was found.
#include <catch2/catch.hpp>

#include <payload/as2/pack.h>
#include <payload/as2/unpack.h>
#include <payload/mime/canonicalize.h>

#include "as2_fixture.h"

using namespace payload;
using namespace payload::as2;

namespace {

struct Shape {
  std::optional<cms::DigestAlg> digest;  // nullopt: unsigned
  std::optional<cms::ContentCipher> cipher;
  Compression compression = Compression::none;
};

std::string describe(const Shape& shape) {
  std::string s = shape.digest ? std::string(cms::micalg(*shape.digest)) : "unsigned";
  s += " / " + (shape.cipher ? std::string(cms::name(*shape.cipher)) : std::string("clear"));
  s += shape.compression == Compression::none             ? " / uncompressed"
       : shape.compression == Compression::before_signing ? " / compressed before signing"
                                                          : " / compressed after signing";
  return s;
}

bool legacy(const Shape& shape) {
  return (shape.digest && cms::is_legacy(*shape.digest)) || shape.cipher == cms::ContentCipher::des_ede3_cbc;
}

PackOptions pack_options(const Shape& shape) {
  const auto& keys = test::As2Keys::get();
  PackOptions options = test::base_pack_options();
  // i05 6.1: legacy algorithms only below 1.3.
  options.headers.version = legacy(shape) ? As2Version::v1_1 : As2Version::v1_3;
  options.compression = shape.compression;
  if (shape.digest) {
    SignSpec sign{keys.identity(), {}, mdn::MicalgSpelling::rfc5751};
    sign.options.digest = *shape.digest;
    sign.options.allow_legacy_digest = cms::is_legacy(*shape.digest);
    options.sign = sign;
  }
  if (shape.cipher) {
    EncryptSpec encrypt{{keys.identity().certificate}, {}};
    encrypt.options.cipher = *shape.cipher;
    encrypt.options.allow_legacy_cipher = *shape.cipher == cms::ContentCipher::des_ede3_cbc;
    options.encrypt = encrypt;
  }
  return options;
}

UnpackOptions unpack_options(const Shape& shape) {
  UnpackOptions options = test::base_unpack_options();
  options.require_signed = shape.digest.has_value();
  options.require_encrypted = shape.cipher.has_value();
  options.verify.allowed_digests.push_back(cms::DigestAlg::sha1);
  options.decrypt.allowed_ciphers.push_back(cms::ContentCipher::des_ede3_cbc);
  return options;
}

std::vector<Layer> expected_layers(const Shape& shape) {
  std::vector<Layer> layers;
  if (shape.cipher) layers.push_back(Layer::encrypted);
  if (!shape.digest) {
    if (shape.compression != Compression::none) layers.push_back(Layer::compressed);
    return layers;
  }
  if (shape.compression == Compression::after_signing) layers.push_back(Layer::compressed);
  layers.push_back(Layer::signed_);
  if (shape.compression == Compression::before_signing) layers.push_back(Layer::compressed);
  return layers;
}

void round_trip(const Shape& shape, const std::string& payload) {
  INFO(describe(shape));
  auto packed = pack(payload, pack_options(shape));
  INFO((packed ? std::string() : packed.error().message()));
  REQUIRE(packed);
  auto unpacked = unpack(packed->http.wire(), unpack_options(shape));
  INFO((unpacked ? std::string() : std::string(outcome_name(unpacked.error().outcome)) + ": " + unpacked.error().error.message()));
  REQUIRE(unpacked);
  const Report& report = unpacked->report;
  CHECK(unpacked->payload == payload);
  REQUIRE(report.mic);
  CHECK(*report.mic == packed->mic);
  // Signed: the signing digest (RFC 4130 7.4.3); unsigned: the requested micalg (i05 8.3).
  CHECK(report.mic->algorithm == shape.digest.value_or(cms::DigestAlg::sha256));
  CHECK(report.layers == expected_layers(shape));
  CHECK(report.headers.from == "PEER A");
  CHECK(report.headers.from_raw == "\"PEER A\"");
  CHECK(report.headers.to == "PEER_B");
  CHECK(report.headers.message_id == packed->message_id);
  CHECK(report.headers.version == (legacy(shape) ? As2Version::v1_1 : As2Version::v1_3));
  CHECK(report.headers.product == (legacy(shape) ? "" : "libpayload:0.1.0"));
  CHECK(report.headers.mdn_requested());
  CHECK(report.headers.disposition_notification_options ==
        std::optional<std::string>("signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256"));
  CHECK(report.filename == std::optional<std::string>("data.x12"));
  REQUIRE(report.receipt);  // a signed receipt with SHA-256 was requested and can be given
  CHECK(report.receipt->sign);
  CHECK(report.receipt->mic_algorithm == cms::DigestAlg::sha256);
  CHECK_FALSE(report.receipt->failure);
  CHECK(report.content_type == "application/edi-x12");
  CHECK(report.content_transfer_encoding == "binary");
  if (shape.cipher) {
    REQUIRE(report.encryption);
    CHECK(report.encryption->cms.cipher == *shape.cipher);
    CHECK(report.encryption->cms.key_transport == cms::KeyTransport::rsa_pkcs1v15);
    CHECK(report.encryption->smime_type == (cms::is_authenticated(*shape.cipher) ? "authEnveloped-data" : "enveloped-data"));
  } else {
    CHECK_FALSE(report.encryption);
  }
  if (shape.digest) {
    REQUIRE(report.signature);
    CHECK(report.signature->signer.digest == *shape.digest);
    CHECK(report.signature->signer.subject == "O=payload tests,CN=as2 test");
    CHECK(report.signature->declared_micalg == cms::micalg(*shape.digest));
  } else {
    CHECK_FALSE(report.signature);
  }
  if (shape.compression == Compression::none) {
    CHECK_FALSE(report.compression);
  } else {
    REQUIRE(report.compression);
    CHECK(report.compression->order == (!shape.digest ? CompressionOrder::unsigned_
                                        : shape.compression == Compression::before_signing ? CompressionOrder::before_signing
                                                                                           : CompressionOrder::after_signing));
  }
}

const std::vector<std::optional<cms::ContentCipher>> kCiphers{
    std::nullopt,
    cms::ContentCipher::aes128_cbc,
    cms::ContentCipher::aes192_cbc,
    cms::ContentCipher::aes256_cbc,
    cms::ContentCipher::aes128_gcm,
    cms::ContentCipher::aes256_gcm,
    cms::ContentCipher::des_ede3_cbc,
};
const Compression kCompressions[] = {Compression::none, Compression::before_signing, Compression::after_signing};

}  // namespace

TEST_CASE("round trip: signed, every digest x cipher x compression order", "[as2][roundtrip]") {
  const std::string payload = test::pseudo_random_bytes(10 * 1024, 7);
  int runs = 0;
  for (const auto digest : {cms::DigestAlg::sha256, cms::DigestAlg::sha384, cms::DigestAlg::sha512, cms::DigestAlg::sha1}) {
    for (const auto& cipher : kCiphers) {
      for (const auto compression : kCompressions) {
        round_trip(Shape{digest, cipher, compression}, payload);
        ++runs;
      }
    }
  }
  CHECK(runs == 84);
}

TEST_CASE("round trip: unsigned, every cipher x compression", "[as2][roundtrip]") {
  const std::string payload = test::pseudo_random_bytes(10 * 1024, 8);
  int runs = 0;
  for (const auto& cipher : kCiphers) {
    for (const auto compression : kCompressions) {
      round_trip(Shape{std::nullopt, cipher, compression}, payload);
      ++runs;
    }
  }
  CHECK(runs == 21);
}

TEST_CASE("legacy algorithms need the legacy policy on both sides", "[as2][roundtrip][policy]") {
  const std::string payload = test::pseudo_random_bytes(1024, 9);
  // Sending: SHA-1 and 3DES are refused without the legacy switches, and under 1.3 even with them.
  PackOptions options = pack_options(Shape{cms::DigestAlg::sha1, std::nullopt, Compression::none});
  options.sign->options.allow_legacy_digest = false;
  CHECK_FALSE(pack(payload, options));
  options = pack_options(Shape{cms::DigestAlg::sha1, std::nullopt, Compression::none});
  options.headers.version = As2Version::v1_3;
  auto refused = pack(payload, options);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message().find("1.3") != std::string::npos);
  options = pack_options(Shape{cms::DigestAlg::sha256, cms::ContentCipher::des_ede3_cbc, Compression::none});
  options.headers.version = As2Version::v1_3;
  CHECK_FALSE(pack(payload, options));

  // Receiving: the default (secure) policy refuses them as insufficient message security.
  auto sha1 = pack(payload, pack_options(Shape{cms::DigestAlg::sha1, std::nullopt, Compression::none}));
  REQUIRE(sha1);
  UnpackOptions strict = test::base_unpack_options();
  auto result = unpack(sha1->http.wire(), strict);
  REQUIRE_FALSE(result);
  CHECK(result.error().outcome == Outcome::insufficient_message_security);
  auto des = pack(payload, pack_options(Shape{cms::DigestAlg::sha256, cms::ContentCipher::des_ede3_cbc, Compression::none}));
  REQUIRE(des);
  result = unpack(des->http.wire(), strict);
  REQUIRE_FALSE(result);
  CHECK(result.error().outcome == Outcome::insufficient_message_security);
  CHECK(result.error().report.layers.empty());
}

TEST_CASE("text payloads travel in canonical CRLF form, application payloads untouched", "[as2][roundtrip][canonical]") {
  const std::string lf_text = "id,qty\n1,5\n2,7\r\n3,9\n";
  const std::string crlf_text = "id,qty\r\n1,5\r\n2,7\r\n3,9\r\n";
  for (const bool sign : {true, false}) {
    INFO("signed: " << sign);
    PackOptions options = pack_options(Shape{sign ? std::optional(cms::DigestAlg::sha256) : std::nullopt,
                                             cms::ContentCipher::aes128_cbc, Compression::none});
    options.content_type = "text/csv; charset=us-ascii";
    options.filename = "orders.csv";
    auto packed = pack(lf_text, options);
    REQUIRE(packed);
    auto text = unpack(packed->http.wire(), unpack_options(Shape{}));
    REQUIRE(text);
    CHECK(text->payload == crlf_text);  // RFC 8551 3.1.1
    CHECK(text->report.content_type == "text/csv; charset=us-ascii");
    CHECK(*text->report.mic == packed->mic);

    options.content_type = "application/octet-stream";
    packed = pack(lf_text, options);
    REQUIRE(packed);
    auto binary = unpack(packed->http.wire(), unpack_options(Shape{}));
    REQUIRE(binary);
    CHECK(binary->payload == lf_text);
  }
}

TEST_CASE("options: base64 payload and envelope, RFC 3851 micalg, async MDN, plain message", "[as2][roundtrip]") {
  const std::string payload = test::pseudo_random_bytes(5000, 10);
  PackOptions options = pack_options(Shape{cms::DigestAlg::sha384, cms::ContentCipher::aes256_gcm, Compression::none});
  options.payload_encoding = BodyEncoding::base64;
  options.envelope_encoding = BodyEncoding::base64;
  options.sign->spelling = mdn::MicalgSpelling::rfc3851;
  options.mdn->async_url = "https://peer-a.example/as2/mdn";
  auto packed = pack(payload, options);
  REQUIRE(packed);
  CHECK(test::find_header(packed->http, "Content-Transfer-Encoding") == "base64");
  CHECK(test::find_header(packed->http, "Receipt-Delivery-Option") == "https://peer-a.example/as2/mdn");
  auto result = unpack(packed->http.wire(), unpack_options(Shape{}));
  REQUIRE(result);
  CHECK(result->payload == payload);
  CHECK(result->report.content_transfer_encoding == "base64");
  CHECK(result->report.signature->declared_micalg == "sha384");
  CHECK(result->report.headers.async_mdn());
  CHECK(*result->report.mic == packed->mic);

  // Plain: the MIME headers of the payload entity are the HTTP headers; the MIC covers
  // the body only (RFC 4130 7.3.1).
  PackOptions plain = test::base_pack_options();
  plain.mdn.reset();
  auto sent = pack(payload, plain);
  REQUIRE(sent);
  CHECK(test::find_header(sent->http, "Content-Type") == "application/edi-x12");
  CHECK(test::find_header(sent->http, "Content-Disposition") == "attachment; filename=\"data.x12\"");
  CHECK(sent->http.body == payload);
  CHECK(sent->mic == *mdn::compute_mic(payload, cms::DigestAlg::sha256));
  auto received = unpack(sent->http.wire(), unpack_options(Shape{}));
  REQUIRE(received);
  CHECK(received->payload == payload);
  CHECK(received->report.layers.empty());
  CHECK(*received->report.mic == sent->mic);
  CHECK_FALSE(received->report.headers.mdn_requested());
  CHECK_FALSE(received->report.receipt);

  // Unsigned, signed receipt requested with SHA-384 first: both sides take the MIC in
  // SHA-384 (Drummond 1Q12 #12, i05 8.3), and a receiver that cannot sign SHA-384 picks
  // the next listed one.
  PackOptions unsigned_request = test::base_pack_options();
  unsigned_request.mdn->signed_receipt_micalgs = {cms::DigestAlg::sha384, cms::DigestAlg::sha256};
  unsigned_request.compression = Compression::before_signing;
  auto requested = pack(payload, unsigned_request);
  REQUIRE(requested);
  CHECK(requested->mic.algorithm == cms::DigestAlg::sha384);
  auto answered = unpack(requested->http.wire(), unpack_options(Shape{}));
  REQUIRE(answered);
  CHECK(*answered->report.mic == requested->mic);
  UnpackOptions sha256_only = unpack_options(Shape{});
  sha256_only.receipt_policy.supported_micalgs = {cms::DigestAlg::sha256};
  answered = unpack(requested->http.wire(), sha256_only);
  REQUIRE(answered);
  CHECK(answered->report.mic->algorithm == cms::DigestAlg::sha256);
  CHECK(answered->report.receipt->mic_algorithm == cms::DigestAlg::sha256);

  // A base64 envelope needs an envelope; a multipart payload is not offered.
  plain.envelope_encoding = BodyEncoding::base64;
  CHECK_FALSE(pack(payload, plain));
  plain.envelope_encoding = BodyEncoding::binary;
  plain.content_type = "multipart/mixed; boundary=x";
  CHECK_FALSE(pack(payload, plain));
  plain.content_type = "not a type";
  CHECK_FALSE(pack(payload, plain));
}

TEST_CASE("the compression level trades time for size and the receiver reads every level", "[as2][roundtrip]") {
  std::string payload;
  for (int i = 0; payload.size() < 64 * 1024; ++i)
    payload += "PO1*" + std::to_string(i) + "*" + std::to_string(i * 7919 % 500) + "*EA*" + std::to_string(i * 104729 % 10000) + "~\n";
  std::size_t fastest = 0, smallest = 0;
  for (const int level : {1, 6, 9}) {
    INFO("level " << level);
    PackOptions options = pack_options(Shape{cms::DigestAlg::sha256, cms::ContentCipher::aes256_cbc, Compression::before_signing});
    options.compression_level = level;
    auto packed = pack(payload, options);
    REQUIRE(packed);
    (level == 1 ? fastest : smallest) = packed->http.body.size();
    auto result = unpack(packed->http.wire(), unpack_options(Shape{cms::DigestAlg::sha256, cms::ContentCipher::aes256_cbc,
                                                                   Compression::before_signing}));
    REQUIRE(result);
    CHECK(result->payload == payload);
    CHECK(*result->report.mic == packed->mic);
  }
  CHECK(smallest < fastest);
  PackOptions out_of_range = pack_options(Shape{std::nullopt, std::nullopt, Compression::before_signing});
  out_of_range.compression_level = 0;
  auto refused = pack(payload, out_of_range);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::usage);
}

TEST_CASE("pack_file names the payload after the file, and refuses what check_filename refuses", "[as2][roundtrip]") {
  test::TempDir dir;
  test::write_file(dir / "invoice 7.x12", "ISA*00*~");
  PackOptions options = test::base_pack_options();
  options.filename.clear();
  auto packed = pack_file(dir / "invoice 7.x12", options);
  REQUIRE(packed);
  CHECK(test::find_header(packed->http, "Content-Disposition") == "attachment; filename=\"invoice 7.x12\"");
  auto missing = pack_file(dir / "absent.x12", options);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == Errc::io);
  test::write_file(dir / ".hidden", "x");
  CHECK_FALSE(pack_file(dir / ".hidden", options));
  options.filename = "../up.x12";
  CHECK_FALSE(pack(std::string("x"), options));
}

TEST_CASE("an originator copy lets the sender open its own message (i05 7.3.2)", "[as2][roundtrip]") {
  const auto& keys = test::As2Keys::get();
  PackOptions options = pack_options(Shape{cms::DigestAlg::sha256, cms::ContentCipher::aes256_cbc, Compression::none});
  options.encrypt->recipients = {keys.b().certificate, keys.identity().certificate};
  auto packed = pack(std::string("payload"), options);
  REQUIRE(packed);
  UnpackOptions partner = unpack_options(Shape{});
  partner.identities = {keys.b()};
  auto at_partner = unpack(packed->http.wire(), partner);
  REQUIRE(at_partner);
  CHECK(at_partner->report.encryption->cms.recipient_subject == "O=AS2 interop harness,CN=PEER_B");
  auto own_copy = unpack(packed->http.wire(), unpack_options(Shape{}));
  REQUIRE(own_copy);
  CHECK(own_copy->payload == "payload");
}

TEST_CASE("layers of 8 MiB and more go through spool files, as BER, both ways", "[as2][roundtrip][spool]") {
  const auto& keys = test::As2Keys::get();
  const std::string payload = test::pseudo_random_bytes(9u << 20, 13);  // incompressible: every layer stays > 8 MiB
  for (const auto compression : {Compression::before_signing, Compression::after_signing}) {
    INFO((compression == Compression::before_signing ? "before" : "after"));
    PackOptions options = pack_options(Shape{cms::DigestAlg::sha256, cms::ContentCipher::aes256_gcm, compression});
    auto packed = pack(payload, options);
    REQUIRE(packed);
    // The streaming CMS writers use indefinite lengths (RFC 5652 allows BER).
    REQUIRE(packed->http.body.size() > 4);
    CHECK(static_cast<unsigned char>(packed->http.body[1]) == 0x80);
    auto result = unpack(packed->http.wire(), unpack_options(Shape{cms::DigestAlg::sha256, cms::ContentCipher::aes256_gcm, compression}));
    INFO((result ? std::string() : result.error().error.message()));
    REQUIRE(result);
    CHECK(result->payload == payload);
    CHECK(*result->report.mic == packed->mic);
    CHECK(result->report.compression->cms.content_bytes > (8u << 20));
    // openssl reads the BER envelope.
    test::TempDir dir;
    test::write_file(dir / "body.der", packed->http.body);
    test::openssl({"cms", "-decrypt", "-binary", "-inform", "DER", "-in", (dir / "body.der").string(), "-recip",
                   keys.crt().string(), "-inkey", keys.key().string(), "-out", (dir / "inner").string()});
    CHECK(std::filesystem::file_size(dir / "inner") > (9u << 20));
  }
  // A hostile large layer still fails with the right outcome on the spool path.
  PackOptions options = pack_options(Shape{std::nullopt, cms::ContentCipher::aes128_gcm, Compression::none});
  auto packed = pack(payload, options);
  REQUIRE(packed);
  std::string tampered = packed->http.wire();
  tampered[tampered.size() - 4096] = static_cast<char>(tampered[tampered.size() - 4096] ^ 1);
  auto result = unpack(tampered, unpack_options(Shape{}));
  REQUIRE_FALSE(result);
  CHECK(result.error().outcome == Outcome::decryption_failed);
}
