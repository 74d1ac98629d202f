// Real AS2 messages from pyas2-lib 1.4.4 and libas2 0.8.2 (shared/interop/as2): each is
// unwrapped layer by layer with payload::cms alone (decrypt with keys/b.key, verify with
// keys/a.crt, decompress), and must end in exactly its payload, with the MIC the
// producer recorded equal to the signature's messageDigest.
#include <catch2/catch.hpp>

#include <payload/cms/compress.h>
#include <payload/cms/decrypt.h>
#include <payload/cms/verify.h>
#include <payload/io/file.h>

#include "as2_message.h"
#include "cms_fixture.h"

using namespace payload;

namespace {

std::string json_value(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return {};
  auto v = json.find_first_not_of(' ', at + key.size() + 3);
  if (json[v] == '"') return json.substr(v + 1, json.find('"', v + 1) - v - 1);
  return json.substr(v, json.find_first_of(",\n}", v) - v);  // true, false, null
}

struct Unwrapped {
  bool encrypted = false, signed_ = false, compressed = false;
  std::vector<std::string> order;  // layers, outermost first
  cms::DecryptReport decrypt;
  std::optional<cms::VerifyReport> verify;
  std::string payload;
  std::string payload_type;  // media type of the innermost entity
};

Unwrapped unwrap(const std::string& wire) {
  const auto keys = test::interop_dir() / "keys";
  auto b_cert = cms::Certificate::load(keys / "b.crt");
  auto b_key = cms::PrivateKey::load(keys / "b.key");
  auto a_cert = cms::Certificate::load(keys / "a.crt");
  REQUIRE(b_cert);
  REQUIRE(b_key);
  REQUIRE(a_cert);
  // The vectors are legacy-rich on purpose: accept what a legacy partner profile would.
  cms::DecryptOptions decrypt_options;
  decrypt_options.allowed_ciphers.push_back(cms::ContentCipher::des_ede3_cbc);
  cms::VerifyOptions verify_options;
  verify_options.allowed_digests.push_back(cms::DigestAlg::md5);
  verify_options.allowed_digests.push_back(cms::DigestAlg::sha1);

  Unwrapped u;
  test::Entity entity = test::parse_entity(wire);  // the HTTP headers work as the outer MIME headers
  for (int depth = 0; depth < 6; ++depth) {
    const std::string type = entity.media_type();
    INFO("layer " << depth << ": " << type << " " << entity.param("smime-type"));
    if (type == "application/pkcs7-mime" || type == "application/x-pkcs7-mime") {
      const std::string smime = entity.param("smime-type");
      const std::string der = entity.decoded_body();
      if (smime == "enveloped-data") {
        auto plain = cms::decrypt(der, {cms::Identity{*b_cert, *b_key}}, decrypt_options, &u.decrypt);
        INFO((plain ? "" : plain.error().message()));
        REQUIRE(plain);
        u.encrypted = true;
        u.order.push_back("encrypted");
        entity = test::parse_entity(*plain);
      } else if (smime == "compressed-data") {
        auto plain = cms::decompress(der);
        INFO((plain ? "" : plain.error().message()));
        REQUIRE(plain);
        u.compressed = true;
        u.order.push_back("compressed");
        entity = test::parse_entity(*plain);
      } else {
        FAIL("unexpected smime-type " << smime);
      }
    } else if (type == "multipart/signed") {
      const auto parts = test::multipart_parts(entity.body, entity.param("boundary"));
      REQUIRE(parts.size() == 2);
      const test::Entity signature = test::parse_entity(parts[1]);
      CHECK(signature.media_type().find("pkcs7-signature") != std::string::npos);
      // RFC 1847: the first part is signed exactly as it travelled, headers included.
      auto report = cms::verify_detached(parts[0], signature.decoded_body(), {*a_cert}, verify_options);
      INFO((report ? "" : report.error().message()));
      REQUIRE(report);
      u.verify = *report;
      u.signed_ = true;
      u.order.push_back("signed");
      entity = test::parse_entity(parts[0]);
    } else {
      u.payload = entity.decoded_body();
      u.payload_type = type;
      return u;
    }
  }
  FAIL("too many layers");
  return u;
}

}  // namespace

TEST_CASE("AS2 interop: every pyas2 and libas2 message unwraps to its payload", "[cms][interop][as2]") {
  const auto dir = test::interop_dir();
  int seen = 0, signed_count = 0, encrypted_count = 0, compressed_count = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir / "messages")) {
    if (file.path().extension() != ".as2") continue;
    const std::string name = file.path().stem().string();
    INFO(name);
    const std::string json = test::read_file(file.path().parent_path() / (name + ".json"));
    const Unwrapped u = unwrap(test::read_file(file.path()));
    ++seen;
    std::string expected = test::read_file(dir / json_value(json, "payload"));
    if (u.payload_type.rfind("text/", 0) == 0) {
      // RFC 8551 §3.1.1: text/* travels in canonical CRLF form, so pyas2 turned the bare
      // LFs of orders-lf.csv into CRLF before signing.
      std::string canonical;
      for (char c : expected) canonical += c == '\n' ? std::string("\r\n") : std::string(1, c);
      expected = canonical;
    }
    CHECK(u.payload == expected);
    CHECK(u.signed_ == (json_value(json, "signed") == "true"));
    CHECK(u.encrypted == (json_value(json, "encrypted") == "true"));
    CHECK(u.compressed == (json_value(json, "compressed") == "true"));
    const std::string options = json_value(json, "options");
    if (options.find("after-sign") != std::string::npos) CHECK(u.order == std::vector<std::string>{"encrypted", "compressed", "signed"});
    if (options.find("before-sign") != std::string::npos && u.signed_)
      CHECK(u.order == std::vector<std::string>{"encrypted", "signed", "compressed"});
    if (u.encrypted) {
      ++encrypted_count;
      const std::string enc = options.substr(options.find("--encrypt ") + 10, options.find(' ', options.find("--encrypt ") + 10) - options.find("--encrypt ") - 10);
      const std::map<std::string, cms::ContentCipher> ciphers{{"aes128", cms::ContentCipher::aes128_cbc},
                                                              {"aes192", cms::ContentCipher::aes192_cbc},
                                                              {"aes256", cms::ContentCipher::aes256_cbc},
                                                              {"3des", cms::ContentCipher::des_ede3_cbc}};
      REQUIRE(ciphers.count(enc) == 1);
      CHECK(u.decrypt.cipher == ciphers.at(enc));
      // libas2 wraps the content key with RSAES-OAEP SHA-512 (interop README).
      CHECK(u.decrypt.key_transport == (json_value(json, "impl") == "libas2" ? cms::KeyTransport::rsa_oaep_sha512
                                                                             : cms::KeyTransport::rsa_pkcs1v15));
      CHECK(u.decrypt.recipient_subject == "O=AS2 interop harness,CN=PEER_B");
    }
    if (u.compressed) ++compressed_count;
    if (u.signed_) {
      ++signed_count;
      REQUIRE(u.verify);
      const auto& signer = u.verify->signers.at(0);
      CHECK(signer.subject == "O=AS2 interop harness,CN=PEER_A");
      CHECK(signer.scheme == cms::SignatureScheme::rsa_pkcs1v15);
      // The producer's MIC (RFC 4130 §7.3.1) is the digest of the signed part: the
      // messageDigest attribute, in the producer's digest.
      CHECK(cms::parse_micalg(json_value(json, "micalg")) == signer.digest);
      CHECK(test::base64_encode(signer.message_digest) == json_value(json, "mic"));
    }
  }
  CHECK(seen == 22);
  CHECK(signed_count == 17);
  CHECK(encrypted_count == 17);
  CHECK(compressed_count == 4);
}

TEST_CASE("AS2 interop: policy and key errors on real messages", "[cms][interop][as2][negative]") {
  const auto dir = test::interop_dir();
  const auto keys = dir / "keys";
  auto a = cms::Identity{*cms::Certificate::load(keys / "a.crt"), *cms::PrivateKey::load(keys / "a.key")};
  auto b = cms::Identity{*cms::Certificate::load(keys / "b.crt"), *cms::PrivateKey::load(keys / "b.key")};
  const auto body = [&](const std::string& name) {
    return test::parse_entity(test::read_file(dir / "messages" / (name + ".as2"))).decoded_body();
  };

  // pyas2 3DES: refused by the default policy, before any key is used.
  auto des = cms::decrypt(body("signed-sha256-3des"), {b});
  REQUIRE_FALSE(des);
  CHECK(des.error().code() == Errc::unsupported);
  // Encrypted for PEER_B: PEER_A's key cannot open it (libas2, BER indefinite length).
  auto wrong = cms::decrypt(body("libas2-oaep-unsigned-aes128"), {a});
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code() == Errc::no_key);
  // Key rollover: an unrelated identity first, the right one second.
  auto rolled = cms::decrypt(body("libas2-oaep-unsigned-aes128"), {a, b});
  REQUIRE(rolled);

  // The streaming form on libas2's BER indefinite-length EnvelopedData.
  {
    test::TempDir tmp;
    test::write_file(tmp / "libas2.p7m", body("libas2-oaep-signed-sha256-aes256"));
    auto in = io::InputFile::open(tmp / "libas2.p7m");
    REQUIRE(in);
    auto spool = io::SpoolFile::create();
    REQUIRE(spool);
    auto report = cms::decrypt(in->input(), spool->output(), {a, b});
    INFO((report ? "" : report.error().message()));
    REQUIRE(report);
    CHECK(report->key_transport == cms::KeyTransport::rsa_oaep_sha512);
    auto streamed = spool->read_all();
    REQUIRE(streamed);
    auto in_memory = cms::decrypt(body("libas2-oaep-signed-sha256-aes256"), {b});
    REQUIRE(in_memory);
    CHECK(*streamed == *in_memory);
  }

  // pyas2's MD5 signature: refused by the default digest policy.
  auto plain = cms::decrypt(body("signed-md5-aes256"), {b});
  REQUIRE(plain);
  const test::Entity inner = test::parse_entity(*plain);
  const auto parts = test::multipart_parts(inner.body, inner.param("boundary"));
  const std::string signature = test::parse_entity(parts[1]).decoded_body();
  auto md5 = cms::verify_detached(parts[0], signature, {b.certificate, a.certificate});
  REQUIRE_FALSE(md5);
  CHECK(md5.error().code() == Errc::unsupported);
  // Signed by PEER_A, checked against PEER_B only.
  cms::VerifyOptions legacy;
  legacy.allowed_digests.push_back(cms::DigestAlg::md5);
  auto wrong_signer = cms::verify_detached(parts[0], signature, {b.certificate}, legacy);
  REQUIRE_FALSE(wrong_signer);
  CHECK(wrong_signer.error().code() == Errc::no_key);
  // One changed byte in the signed part.
  std::string tampered = parts[0];
  tampered[tampered.size() / 2] ^= 0x20;
  auto bad = cms::verify_detached(tampered, signature, {a.certificate}, legacy);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code() == Errc::bad_signature);
}
