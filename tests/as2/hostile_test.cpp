// Hostile and broken input: each gives the outcome an AS2 receiver should answer with,
// never a crash, never a payload.
#include <catch2/catch.hpp>

#include <random>

#include <payload/as2/pack.h>
#include <payload/as2/unpack.h>
#include <payload/cms/compress.h>
#include <payload/cms/sign.h>
#include <payload/mime/base64.h>

#include "as2_fixture.h"

using namespace payload;
using namespace payload::as2;

namespace {

std::string interop(const std::string& name) {
  return test::read_file(test::as2_interop_dir() / "messages" / (name + ".as2"));
}

UnpackOptions peer_b() {
  const auto& keys = test::As2Keys::get();
  UnpackOptions options;
  options.identities = {keys.b()};
  options.partner_certificates = {keys.a().certificate};
  options.require_signed = false;
  options.require_encrypted = false;
  return options;
}

// Replaces the first occurrence of `from` (which must exist).
std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Removes the header line that starts with `prefix`.
std::string drop_line(std::string wire, const std::string& prefix) {
  const auto at = wire.find(prefix);
  REQUIRE(at != std::string::npos);
  return wire.erase(at, wire.find("\r\n", at) + 2 - at);
}

Outcome outcome_of(const UnpackResult& result) { return result ? Outcome::processed : result.error().outcome; }

void expect(const std::string& wire, const UnpackOptions& options, Outcome outcome) {
  const auto result = unpack(wire, options);
  INFO((result ? std::string("processed") : result.error().error.message()));
  CHECK(outcome_of(result) == outcome);
}

std::string packed_wire(const PackOptions& options, const std::string& payload) {
  auto packed = pack(payload, options);
  REQUIRE(packed);
  return packed->http.wire();
}

PackOptions signed_options(std::optional<cms::ContentCipher> cipher = std::nullopt) {
  const auto& keys = test::As2Keys::get();
  PackOptions options = test::base_pack_options();
  options.sign = SignSpec{keys.identity(), {}, mdn::MicalgSpelling::rfc5751};
  if (cipher) {
    options.encrypt = EncryptSpec{{keys.identity().certificate}, {}};
    options.encrypt->options.cipher = *cipher;
  }
  return options;
}

}  // namespace

TEST_CASE("hostile: truncated messages", "[as2][hostile]") {
  const std::string encrypted = interop("signed-sha256-aes256");
  expect(encrypted.substr(0, encrypted.size() / 2), peer_b(), Outcome::decryption_failed);
  expect(encrypted.substr(0, encrypted.size() - 1), peer_b(), Outcome::decryption_failed);
  const std::string signed_only = interop("signed-only-sha256");
  expect(signed_only.substr(0, signed_only.size() * 6 / 10), peer_b(), Outcome::authentication_failed);
  const std::string compressed = interop("compressed-only");
  expect(compressed.substr(0, compressed.size() - 40), peer_b(), Outcome::decompression_failed);
  expect(encrypted.substr(0, 200), peer_b(), Outcome::unexpected_processing_error);  // inside the HTTP headers
  expect("", peer_b(), Outcome::unexpected_processing_error);
}

TEST_CASE("hostile: bad base64 in the envelope and in the signature", "[as2][hostile]") {
  // libas2 sends the EnvelopedData base64 with an HTTP-level CTE.
  std::string libas2 = interop("libas2-oaep-unsigned-aes128");
  const auto body = libas2.find("\r\n\r\n") + 4;
  libas2.insert(body + 100, "*");
  expect(libas2, peer_b(), Outcome::decryption_failed);

  const std::string wire = packed_wire(signed_options(), "payload");
  const auto signature = wire.find("smime.p7s\"\r\n\r\n");
  REQUIRE(signature != std::string::npos);
  std::string broken = wire;
  broken.insert(signature + 20, "!");
  expect(broken, test::base_unpack_options(), Outcome::authentication_failed);
}

TEST_CASE("hostile: wrong boundary, wrong part count, not a signature", "[as2][hostile]") {
  const std::string signed_only = interop("signed-only-sha256");
  expect(replace(signed_only, "8207269709869792688", "1111111111111111111"), peer_b(), Outcome::authentication_failed);
  expect(replace(signed_only, "; boundary=", "; x="), peer_b(), Outcome::authentication_failed);
  expect(replace(signed_only, "Content-Type: application/pkcs7-signature", "Content-Type: text/plain"), peer_b(),
         Outcome::authentication_failed);
  // A third part.
  std::string three = signed_only;
  const std::string close = "--===============8207269709869792688==--";
  three = replace(three, close, "--===============8207269709869792688==\r\nContent-Type: text/plain\r\n\r\nextra\r\n" + close);
  expect(three, peer_b(), Outcome::authentication_failed);
}

TEST_CASE("hostile: missing or malformed AS2 headers", "[as2][hostile]") {
  const std::string wire = interop("signed-sha256-aes256");
  expect(drop_line(wire, "AS2-From:"), peer_b(), Outcome::unknown_trading_relationship);
  expect(drop_line(wire, "AS2-To:"), peer_b(), Outcome::unknown_trading_relationship);
  expect(replace(wire, "AS2-To: PEER_B", "AS2-To: \"PEER_B"), peer_b(), Outcome::unknown_trading_relationship);
  expect(replace(wire, "AS2-To: PEER_B", "AS2-To: " + std::string(129, 'B')), peer_b(), Outcome::unknown_trading_relationship);
  expect(drop_line(wire, "Message-ID:"), peer_b(), Outcome::invalid_message_id);
  expect(replace(wire, "Message-ID: <", "Message-ID: <with space "), peer_b(), Outcome::invalid_message_id);
  expect(replace(wire, "Message-ID: <", "Message-ID: <x@y>\r\nMessage-ID: <"), peer_b(), Outcome::invalid_message_id);
  // Missing AS2-Version is 1.0, not an error (i05 6.1); unknown EDIINT-Features tokens are kept.
  auto old = unpack(replace(drop_line(wire, "AS2-Version:"), "ediint-features: CMS", "EDIINT-Features: CMS, x-future ,CEM"),
                    peer_b());
  REQUIRE(old);
  CHECK(old->report.headers.version == As2Version::v1_0);
  CHECK(old->report.headers.ediint_features == std::vector<std::string>{"CMS", "x-future", "CEM"});
  // The failure report still carries what was read, for the error MDN.
  auto result = unpack(drop_line(wire, "AS2-To:"), peer_b());
  REQUIRE_FALSE(result);
  CHECK(result.error().report.headers.from == "PEER_A");
  CHECK(result.error().report.headers.message_id == "<179530701143.29250.15616311182546383959@localhost>");
}

TEST_CASE("hostile: a signature over other bytes", "[as2][hostile]") {
  const std::string payload = test::pseudo_random_bytes(2000, 21);
  std::string wire = packed_wire(signed_options(), payload);
  const auto at = wire.find(payload.substr(500, 32));
  REQUIRE(at != std::string::npos);
  std::string tampered = wire;
  tampered[at] = static_cast<char>(tampered[at] ^ 0x01);
  expect(tampered, test::base_unpack_options(), Outcome::authentication_failed);
  // A header of the signed part changed: it is signed too (RFC 4130 7.3.1).
  expect(replace(wire, "filename=\"data.x12\"", "filename=\"data.x13\""), test::base_unpack_options(),
         Outcome::authentication_failed);
  // Another message's signature spliced in.
  const std::string other = packed_wire(signed_options(), "another payload");
  const auto signature_of = [](const std::string& w) {
    const auto begin = w.find("smime.p7s\"\r\n\r\n") + 15;
    return w.substr(begin, w.find("\r\n--", begin) - begin);
  };
  expect(replace(wire, signature_of(wire), signature_of(other)), test::base_unpack_options(), Outcome::authentication_failed);
  // Signed by someone we do not know.
  UnpackOptions stranger = test::base_unpack_options();
  stranger.partner_certificates = {test::As2Keys::get().a().certificate};
  expect(wire, stranger, Outcome::authentication_failed);
}

TEST_CASE("hostile: wrong recipient and tampered ciphertext", "[as2][hostile]") {
  const auto& keys = test::As2Keys::get();
  const std::string payload = test::pseudo_random_bytes(3000, 22);
  PackOptions to_a = signed_options(cms::ContentCipher::aes256_gcm);
  to_a.encrypt->recipients = {keys.a().certificate};
  const auto result = unpack(packed_wire(to_a, payload), test::base_unpack_options());
  REQUIRE_FALSE(result);
  CHECK(result.error().outcome == Outcome::decryption_failed);
  CHECK(result.error().error.code() == Errc::no_key);

  // GCM: any changed ciphertext byte fails the tag.
  const std::string gcm = packed_wire(signed_options(cms::ContentCipher::aes256_gcm), payload);
  for (const std::size_t from_end : {std::size_t{40}, std::size_t{500}, std::size_t{2000}}) {
    std::string tampered = gcm;
    tampered[tampered.size() - from_end] = static_cast<char>(tampered[tampered.size() - from_end] ^ 0x10);
    expect(tampered, test::base_unpack_options(), Outcome::decryption_failed);
  }
  // CBC: a changed byte garbles the plaintext; the padding or the signature catches it.
  const std::string cbc = packed_wire(signed_options(cms::ContentCipher::aes128_cbc), payload);
  for (const std::size_t from_end : {std::size_t{8}, std::size_t{700}, std::size_t{2500}}) {
    std::string tampered = cbc;
    tampered[tampered.size() - from_end] = static_cast<char>(tampered[tampered.size() - from_end] ^ 0x10);
    const Outcome outcome = outcome_of(unpack(tampered, test::base_unpack_options()));
    CHECK((outcome == Outcome::decryption_failed || outcome == Outcome::authentication_failed));
  }
  // Not CMS at all behind an enveloped-data label.
  expect("AS2-From: \"PEER A\"\r\nAS2-To: PEER_B\r\nMessage-ID: <g@x>\r\n"
         "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nnot DER at all",
         test::base_unpack_options(), Outcome::decryption_failed);
}

TEST_CASE("hostile: a decompression bomb and a corrupt compressed layer", "[as2][hostile]") {
  PackOptions options = test::base_pack_options();
  options.compression = Compression::before_signing;
  const std::string zeros(8u << 20, '\0');  // zlib makes ~8 KiB of it: far above the 200:1 limit
  const std::string bomb = packed_wire(options, zeros);
  CHECK(bomb.size() < 64 * 1024);
  expect(bomb, test::base_unpack_options(), Outcome::decompression_failed);
  UnpackOptions capped = test::base_unpack_options();
  capped.decompress.max_ratio = 100000;
  capped.decompress.max_output = 1u << 20;
  expect(bomb, capped, Outcome::decompression_failed);
  capped.decompress.max_output = 16u << 20;
  auto allowed = unpack(bomb, capped);
  REQUIRE(allowed);
  CHECK(allowed->payload == zeros);

  std::string corrupt = packed_wire(options, test::pseudo_random_bytes(4000, 23));
  corrupt[corrupt.size() - 100] = static_cast<char>(corrupt[corrupt.size() - 100] ^ 0x55);
  expect(corrupt, test::base_unpack_options(), Outcome::decompression_failed);
}

TEST_CASE("hostile: filenames that leave the inbox", "[as2][hostile]") {
  const std::string head = "AS2-From: \"PEER A\"\r\nAS2-To: PEER_B\r\nMessage-ID: <f@x>\r\nContent-Type: application/edi-x12\r\n";
  for (const std::string& disposition :
       {std::string("attachment; filename=\"../../etc/cron.d/x\""), std::string("attachment; filename=\"/etc/passwd\""),
        std::string("attachment; filename=\"..\\\\win.ini\""), std::string("attachment; filename*=UTF-8''..%2F..%2Fx"),
        std::string("attachment; filename=\".bashrc\""), std::string("attachment; filename*=UTF-8''a%0Ab"),
        std::string("attachment; filename=\"unterminated")}) {
    INFO(disposition);
    const auto result = unpack(head + "Content-Disposition: " + disposition + "\r\n\r\nISA*~", test::base_unpack_options());
    REQUIRE_FALSE(result);
    CHECK(result.error().outcome == Outcome::illegal_filename);
  }
  // Inside a signed and encrypted message, made by openssl (we refuse to pack such a name).
  const auto& keys = test::As2Keys::get();
  test::TempDir dir;
  test::write_file(dir / "entity", "Content-Type: application/edi-x12\r\nContent-Disposition: attachment; "
                                   "filename=\"../evil.x12\"\r\n\r\nISA*00~");
  test::openssl({"cms", "-sign", "-binary", "-crlfeol", "-signer", keys.crt().string(), "-inkey", keys.key().string(),
                 "-in", (dir / "entity").string(), "-out", (dir / "signed.eml").string()});
  test::openssl({"cms", "-encrypt", "-binary", "-aes-256-cbc", "-in", (dir / "signed.eml").string(), "-outform", "DER",
                 "-out", (dir / "enc.der").string(), keys.crt().string()});
  const auto result = unpack("AS2-From: \"PEER A\"\r\nAS2-To: PEER_B\r\nMessage-ID: <f@x>\r\n"
                             "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\n" +
                                 test::read_file(dir / "enc.der"),
                             test::base_unpack_options());
  REQUIRE_FALSE(result);
  CHECK(result.error().outcome == Outcome::illegal_filename);
  CHECK(result.error().report.filename == std::optional<std::string>("../evil.x12"));
  CHECK(result.error().report.signature.has_value());
}

TEST_CASE("hostile: CR/LF header injection through a server that did not split lines", "[as2][hostile]") {
  using Fields = std::vector<std::pair<std::string, std::string>>;
  const Fields good{{"AS2-From", "\"PEER A\""}, {"AS2-To", "PEER_B"}, {"Message-ID", "<i@x>"},
                    {"Subject", "fine"}, {"Content-Type", "application/edi-x12"}};
  auto ok = unpack(good, "ISA~", test::base_unpack_options());
  REQUIRE(ok);
  CHECK(ok->payload == "ISA~");
  const auto with = [&](const std::string& name, const std::string& value) {
    Fields fields = good;
    for (auto& field : fields) {
      if (field.first == name) field.second = value;
    }
    return unpack(fields, "ISA~", test::base_unpack_options());
  };
  CHECK(outcome_of(with("AS2-From", "PEER A\r\nX-Injected: 1")) == Outcome::unknown_trading_relationship);
  CHECK(outcome_of(with("Message-ID", "<i@x>\nBcc: v@x")) == Outcome::invalid_message_id);
  CHECK(outcome_of(with("Subject", "hi\r\nBcc: v@x")) == Outcome::unexpected_processing_error);
  CHECK(outcome_of(with("Content-Type", "application/edi-x12\r\nContent-Disposition: attachment; filename=\"../x\"")) ==
        Outcome::unexpected_processing_error);
  Fields rdo = good;
  rdo.emplace_back("Receipt-Delivery-Option", "https://x.example/\r\nHost: evil");
  CHECK(outcome_of(unpack(rdo, "ISA~", test::base_unpack_options())) == Outcome::unexpected_processing_error);
}

TEST_CASE("hostile: policy says signed and encrypted, the message is not", "[as2][hostile]") {
  UnpackOptions strict = test::base_unpack_options();
  strict.require_signed = true;
  strict.require_encrypted = true;
  expect(interop("plain-nomdn"), peer_b(), Outcome::processed);
  UnpackOptions b_strict = peer_b();
  b_strict.require_encrypted = true;
  expect(interop("plain-nomdn"), b_strict, Outcome::insufficient_message_security);
  expect(interop("signed-only-sha256"), b_strict, Outcome::insufficient_message_security);
  b_strict.require_encrypted = false;
  b_strict.require_signed = true;
  expect(interop("encrypted-only-aes128"), b_strict, Outcome::insufficient_message_security);
  expect(interop("compressed-only"), b_strict, Outcome::insufficient_message_security);
}

TEST_CASE("hostile: structures we do not process", "[as2][hostile]") {
  const auto& keys = test::As2Keys::get();
  const std::string head = "AS2-From: \"PEER A\"\r\nAS2-To: PEER_B\r\nMessage-ID: <s@x>\r\n";
  // Enveloping SignedData (smime-type=signed-data): AS2 uses multipart/signed.
  auto enveloping = cms::sign_enveloping("Content-Type: text/plain\r\n\r\nhi", keys.identity());
  REQUIRE(enveloping);
  expect(head + "Content-Type: application/pkcs7-mime; smime-type=signed-data\r\n\r\n" + *enveloping,
         test::base_unpack_options(), Outcome::unexpected_processing_error);
  // Multiple attachments (RFC 6362).
  expect(head + "Content-Type: multipart/related; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b--\r\n", test::base_unpack_options(),
         Outcome::unexpected_processing_error);
  // A broken Content-Type.
  expect(head + "Content-Type: ;;\r\n\r\nx", test::base_unpack_options(), Outcome::unexpected_processing_error);
  // Compressed twice: each layer is allowed once.
  auto once = cms::compress("Content-Type: text/plain\r\n\r\nhi");
  REQUIRE(once);
  auto twice = cms::compress("Content-Type: application/pkcs7-mime; smime-type=compressed-data\r\n\r\n" + *once);
  REQUIRE(twice);
  expect(head + "Content-Type: application/pkcs7-mime; smime-type=compressed-data\r\n\r\n" + *twice,
         test::base_unpack_options(), Outcome::unexpected_processing_error);
}

TEST_CASE("hostile: random byte flips never crash and never yield a wrong payload", "[as2][hostile][fuzz]") {
  const std::string payload = test::pseudo_random_bytes(1500, 24);
  PackOptions options = signed_options(cms::ContentCipher::aes128_gcm);
  options.compression = Compression::after_signing;
  const std::string wire = packed_wire(options, payload);
  PackOptions clear = signed_options();
  clear.compression = Compression::before_signing;
  const std::string clear_wire = packed_wire(clear, payload);
  // Signatures required: a flip that hides a layer (a Content-Type changed) must not pass.
  UnpackOptions options_signed = test::base_unpack_options();
  options_signed.require_signed = true;
  std::mt19937 rng(25);
  int failures = 0, successes = 0;
  for (int i = 0; i < 300; ++i) {
    std::string mutated = i % 2 == 0 ? wire : clear_wire;
    const std::size_t flips = 1 + rng() % 3;
    for (std::size_t f = 0; f < flips; ++f) {
      const std::size_t at = rng() % mutated.size();
      mutated[at] = static_cast<char>(mutated[at] ^ (1 << (rng() % 8)));
    }
    if (rng() % 4 == 0) mutated.resize(rng() % mutated.size());
    const auto result = unpack(mutated, options_signed);
    if (result) {
      ++successes;  // the flips hit something unprotected (an HTTP header, the preamble)
      CHECK(result->payload == payload);
    } else {
      ++failures;
      CHECK(result.error().outcome != Outcome::processed);
    }
  }
  CHECK(failures > 200);
  CHECK(failures + successes == 300);
}
