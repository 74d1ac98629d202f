// Every AS2 message in shared/interop/as2 (pyas2-lib 1.4.4, libas2 0.8.2) unpacked with
// keys/b.key + b.crt (PEER_B) and the partner certificate keys/a.crt (PEER_A): payload
// bytes equal to the payload file, MIC equal to the producer's (same algorithm), layers
// as the producer says it built them. Then the same messages under the secure default
// policy, where the legacy ones must be refused for the right reason.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <payload/as2/mic_explain.h>
#include <payload/as2/unpack.h>
#include <payload/mime/base64.h>
#include <payload/mime/canonicalize.h>

#include "as2_fixture.h"
#include "mime/interop_json.h"

using namespace payload;
using namespace payload::as2;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> messages() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(test::as2_interop_dir() / "messages")) {
    if (entry.path().extension() == ".as2") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

test::FlatJson description(const fs::path& message) {
  fs::path json = message;
  json.replace_extension(".json");
  return test::FlatJson::parse(test::read_file(json));
}

UnpackOptions peer_b_options(const test::FlatJson& json) {
  const auto& keys = test::As2Keys::get();
  UnpackOptions options;
  options.identities = {keys.b()};
  options.partner_certificates = {keys.a().certificate};
  options.our_id = "PEER_B";
  options.partner_id = "PEER_A";
  options.require_signed = json.boolean("signed");
  options.require_encrypted = json.boolean("encrypted");
  return options;
}

// The vectors are legacy-rich on purpose: what a legacy partner profile accepts.
UnpackOptions legacy_options(const test::FlatJson& json) {
  UnpackOptions options = peer_b_options(json);
  options.verify.allowed_digests.push_back(cms::DigestAlg::md5);
  options.verify.allowed_digests.push_back(cms::DigestAlg::sha1);
  options.decrypt.allowed_ciphers.push_back(cms::ContentCipher::des_ede3_cbc);
  return options;
}

}  // namespace

TEST_CASE("interop: every pyas2 and libas2 message unpacks to its payload with the producer's MIC", "[as2][interop]") {
  int seen = 0, with_mic = 0, compressed = 0;
  for (const fs::path& file : messages()) {
    const std::string name = file.stem().string();
    INFO(name);
    const test::FlatJson json = description(file);
    auto result = unpack(test::read_file(file), legacy_options(json));
    INFO((result ? std::string() : std::string(outcome_name(result.error().outcome)) + ": " + result.error().error.message()));
    REQUIRE(result);
    ++seen;
    const Report& report = result->report;
    const fs::path payload_file = test::as2_interop_dir() / *json.string("payload");
    std::string expected = test::read_file(payload_file);
    // RFC 8551 3.1.1: text/* travels in CRLF form; orders-lf.csv was canonicalised by pyas2.
    if (report.content_type.rfind("text/", 0) == 0) expected = mime::canonicalize(expected);
    CHECK(result->payload == expected);
    CHECK(report.filename == std::optional<std::string>(payload_file.filename().string()));

    CHECK(report.headers.from == "PEER_A");
    CHECK(report.headers.to == "PEER_B");
    CHECK(report.headers.message_id == "<" + *json.string("message_id") + ">");
    CHECK(report.encryption.has_value() == json.boolean("encrypted"));
    CHECK(report.signature.has_value() == json.boolean("signed"));
    CHECK(report.compression.has_value() == json.boolean("compressed"));
    const std::string options = *json.string("options");
    if (report.compression) {
      ++compressed;
      const CompressionOrder order = !report.signature                              ? CompressionOrder::unsigned_
                                     : options.find("after-sign") != std::string::npos ? CompressionOrder::after_signing
                                                                                      : CompressionOrder::before_signing;
      CHECK(report.compression->order == order);
    }
    if (report.encryption) {
      CHECK(report.encryption->cms.recipient_subject == "O=AS2 interop harness,CN=PEER_B");
      CHECK(report.encryption->cms.key_transport == (*json.string("impl") == "libas2" ? cms::KeyTransport::rsa_oaep_sha512
                                                                                      : cms::KeyTransport::rsa_pkcs1v15));
    }
    if (report.signature) CHECK(report.signature->signer.subject == "O=AS2 interop harness,CN=PEER_A");
    CHECK(report.headers.mdn_requested() == (options.find("--mdn none") == std::string::npos));

    REQUIRE(report.mic);
    if (const auto mic = json.string("mic")) {
      ++with_mic;
      const auto micalg = cms::parse_micalg(*json.string("micalg"));
      REQUIRE(micalg);
      CHECK(report.mic->algorithm == *micalg);
      CHECK(report.mic->base64() == *mic);
      // The explainer agrees that this is the RFC MIC.
      auto decoded = mime::base64_decode(*mic);
      REQUIRE(decoded);
      ExplainOptions explain;
      explain.identities = {test::As2Keys::get().b()};
      auto explanation = explain_mic(test::read_file(file), *decoded, *json.string("micalg"), explain);
      REQUIRE(explanation);
      REQUIRE(explanation->match);
      CHECK(explanation->match->rfc);
      CHECK(explanation->expected == *report.mic);
    }
  }
  CHECK(seen == 22);
  CHECK(with_mic == 17);
  CHECK(compressed == 4);
}

TEST_CASE("interop: the secure default policy refuses the legacy vectors as insufficient security", "[as2][interop][policy]") {
  int refused = 0, accepted = 0;
  for (const fs::path& file : messages()) {
    const std::string name = file.stem().string();
    INFO(name);
    const test::FlatJson json = description(file);
    auto result = unpack(test::read_file(file), peer_b_options(json));
    const std::string options = *json.string("options");
    const bool legacy = options.find("md5") != std::string::npos || options.find("--sign sha1") != std::string::npos ||
                        options.find("3des") != std::string::npos;
    if (legacy) {
      REQUIRE_FALSE(result);
      CHECK(result.error().outcome == Outcome::insufficient_message_security);
      CHECK_FALSE(result.error().report.mic);
      ++refused;
    } else {
      INFO((result ? std::string() : result.error().error.message()));
      CHECK(result);
      ++accepted;
    }
  }
  CHECK(refused == 4);
  CHECK(accepted == 18);
}

TEST_CASE("interop: the wrong identity or partner fails as decryption or authentication", "[as2][interop][negative]") {
  const auto& keys = test::As2Keys::get();
  const fs::path dir = test::as2_interop_dir() / "messages";
  const test::FlatJson json = description(dir / "signed-sha256-aes256.as2");
  UnpackOptions options = legacy_options(json);
  options.identities = {keys.a()};  // encrypted for PEER_B
  auto result = unpack(test::read_file(dir / "signed-sha256-aes256.as2"), options);
  REQUIRE_FALSE(result);
  CHECK(result.error().outcome == Outcome::decryption_failed);
  CHECK(result.error().error.code() == Errc::no_key);

  // Rollover: an unrelated identity first, ours second.
  options.identities = {keys.identity(), keys.b()};
  CHECK(unpack(test::read_file(dir / "signed-sha256-aes256.as2"), options));

  options.partner_certificates = {keys.b().certificate};  // not the signer
  result = unpack(test::read_file(dir / "signed-sha256-aes256.as2"), options);
  REQUIRE_FALSE(result);
  CHECK(result.error().outcome == Outcome::authentication_failed);
  CHECK(result.error().report.layers == std::vector<Layer>{Layer::encrypted});

  options = legacy_options(json);
  options.partner_id = "PEER_C";
  result = unpack(test::read_file(dir / "signed-sha256-aes256.as2"), options);
  REQUIRE_FALSE(result);
  CHECK(result.error().outcome == Outcome::unknown_trading_relationship);
}
