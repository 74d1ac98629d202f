// Cross-checks with the openssl command, both ways. Our packed bodies are opened by
// `openssl cms -decrypt` and `openssl cms -verify -binary`, and the content openssl says
// was signed (or encrypted) is hashed by `openssl dgst`: that must be the MIC we
// recorded. S/MIME bodies made by `openssl cms -sign/-encrypt` are unpacked by us.
// (Compressed shapes are left out: the platform's openssl is built without zlib.)
#include <catch2/catch.hpp>

#include <payload/as2/pack.h>
#include <payload/as2/unpack.h>

#include "as2_fixture.h"

using namespace payload;
using namespace payload::as2;

namespace {

std::string openssl_name(cms::DigestAlg digest) {
  switch (digest) {
    case cms::DigestAlg::md5: return "md5";
    case cms::DigestAlg::sha1: return "sha1";
    case cms::DigestAlg::sha224: return "sha224";
    case cms::DigestAlg::sha256: return "sha256";
    case cms::DigestAlg::sha384: return "sha384";
    case cms::DigestAlg::sha512: return "sha512";
  }
  return "sha256";
}

std::string openssl_cipher(cms::ContentCipher cipher) {
  switch (cipher) {
    case cms::ContentCipher::aes128_cbc: return "-aes-128-cbc";
    case cms::ContentCipher::aes192_cbc: return "-aes-192-cbc";
    case cms::ContentCipher::aes256_cbc: return "-aes-256-cbc";
    case cms::ContentCipher::aes128_gcm: return "-aes-128-gcm";
    case cms::ContentCipher::aes256_gcm: return "-aes-256-gcm";
    case cms::ContentCipher::des_ede3_cbc: return "-des3";
  }
  return "-aes-256-cbc";
}

// The outer MIME entity of a packed message: its Content-* headers and the body.
std::string outer_entity(const PackedMessage& packed) {
  std::string entity;
  for (const auto& [name, value] : packed.http.headers) {
    if (name.rfind("Content-", 0) == 0 || name == "MIME-Version") entity += name + ": " + value + "\r\n";
  }
  return entity + "\r\n" + packed.http.body;
}

}  // namespace

TEST_CASE("openssl opens and verifies what we pack, and hashes the MIC we recorded", "[as2][openssl]") {
  const auto& keys = test::As2Keys::get();
  const std::string payload = test::pseudo_random_bytes(10 * 1024, 11);
  test::TempDir dir;
  int checked = 0;
  const std::vector<std::optional<cms::ContentCipher>> ciphers{
      std::nullopt, cms::ContentCipher::aes128_cbc, cms::ContentCipher::aes192_cbc, cms::ContentCipher::aes256_cbc,
      cms::ContentCipher::aes128_gcm, cms::ContentCipher::aes256_gcm, cms::ContentCipher::des_ede3_cbc};
  for (const std::optional<cms::DigestAlg> digest :
       {std::optional(cms::DigestAlg::sha256), std::optional(cms::DigestAlg::sha384), std::optional(cms::DigestAlg::sha512),
        std::optional(cms::DigestAlg::sha1), std::optional<cms::DigestAlg>()}) {
    for (const auto& cipher : ciphers) {
      INFO((digest ? cms::micalg(*digest) : "unsigned") << " / " << (cipher ? cms::name(*cipher) : "clear"));
      PackOptions options = test::base_pack_options();
      options.headers.version = As2Version::v1_1;
      if (digest) {
        options.sign = SignSpec{keys.identity(), {}, mdn::MicalgSpelling::rfc5751};
        options.sign->options.digest = *digest;
        options.sign->options.allow_legacy_digest = true;
      }
      if (cipher) {
        options.encrypt = EncryptSpec{{keys.identity().certificate}, {}};
        options.encrypt->options.cipher = *cipher;
        options.encrypt->options.allow_legacy_cipher = true;
      }
      auto packed = pack(payload, options);
      REQUIRE(packed);

      std::string entity = outer_entity(*packed);  // the MIME entity that was sent
      if (cipher) {
        test::write_file(dir / "body.der", packed->http.body);
        entity = test::openssl({"cms", "-decrypt", "-binary", "-inform", "DER", "-in", (dir / "body.der").string(),
                                "-recip", keys.crt().string(), "-inkey", keys.key().string()});
      }
      std::string hashed;  // what the MIC covers, as openssl hands it out
      if (digest) {
        test::write_file(dir / "signed.eml", entity);
        // -noverify: the key is self-signed; the signature itself is still checked.
        // -crlfeol: in -binary mode openssl otherwise strips only the LF of the CRLF
        // that precedes a delimiter (RFC 2046 5.1.1 gives both to the delimiter).
        hashed = test::openssl({"cms", "-verify", "-binary", "-crlfeol", "-noverify", "-in", (dir / "signed.eml").string()});
        CHECK(hashed.find("Content-Type: application/edi-x12\r\n") == 0);
      } else if (cipher) {
        hashed = entity;  // unsigned, encrypted: the decrypted entity with its headers
      } else {
        hashed = packed->http.body;  // plain: the body only
      }
      CHECK(hashed.size() >= payload.size());
      CHECK(hashed.compare(hashed.size() - payload.size(), payload.size(), payload) == 0);
      test::write_file(dir / "hashed", hashed);
      CHECK(test::openssl_digest(openssl_name(packed->mic.algorithm), dir / "hashed") == packed->mic.digest);
      ++checked;
    }
  }
  CHECK(checked == 35);
}

TEST_CASE("we unpack S/MIME made by openssl cms -sign and -encrypt", "[as2][openssl]") {
  const auto& keys = test::As2Keys::get();
  test::TempDir dir;
  const std::string payload = "ISA*00*          *00*          *ZZ*SENDER*ZZ*RECEIVER~\r\nGS*IN*1~\r\n" +
                              test::pseudo_random_bytes(4000, 12);
  const std::string entity = "Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: binary\r\n"
                             "Content-Disposition: attachment; filename=\"openssl.x12\"\r\n\r\n" +
                             payload;
  test::write_file(dir / "entity", entity);
  const std::string as2_headers = "AS2-Version: 1.1\r\nAS2-From: \"PEER A\"\r\nAS2-To: PEER_B\r\n"
                                  "Message-ID: <openssl-1@test>\r\nSubject: made by openssl\r\n";
  int checked = 0;
  for (const std::string md : {"sha256", "sha384", "sha512"}) {
    for (const auto& cipher : {std::optional<cms::ContentCipher>(), std::optional(cms::ContentCipher::aes128_cbc),
                               std::optional(cms::ContentCipher::aes192_cbc), std::optional(cms::ContentCipher::aes256_cbc),
                               std::optional(cms::ContentCipher::aes128_gcm), std::optional(cms::ContentCipher::aes256_gcm)}) {
      for (const bool oaep : {false, true}) {
        if (!cipher && oaep) continue;
        INFO(md << " " << (cipher ? cms::name(*cipher) : "clear") << (oaep ? " OAEP" : ""));
        test::openssl({"cms", "-sign", "-binary", "-crlfeol", "-md", md, "-signer", keys.crt().string(), "-inkey",
                       keys.key().string(), "-in", (dir / "entity").string(), "-out", (dir / "signed.eml").string()});
        std::string wire;
        if (!cipher) {
          // openssl's S/MIME header lines become the HTTP headers.
          wire = as2_headers + test::read_file(dir / "signed.eml");
        } else {
          std::vector<std::string> args{"cms", "-encrypt", "-binary", openssl_cipher(*cipher), "-in", (dir / "signed.eml").string(),
                                        "-outform", "DER", "-out", (dir / "enc.der").string()};
          if (oaep) args.insert(args.end(), {"-recip", keys.crt().string(), "-keyopt", "rsa_padding_mode:oaep"});
          else args.push_back(keys.crt().string());
          test::openssl(args);
          const std::string smime_type = cms::is_authenticated(*cipher) ? "authEnveloped-data" : "enveloped-data";
          wire = as2_headers + "Content-Type: application/pkcs7-mime; smime-type=" + smime_type + "\r\n\r\n" +
                 test::read_file(dir / "enc.der");
        }
        UnpackOptions options = test::base_unpack_options();
        options.require_signed = true;
        options.require_encrypted = cipher.has_value();
        auto result = unpack(wire, options);
        INFO((result ? std::string() : result.error().error.message()));
        REQUIRE(result);
        CHECK(result->payload == payload);
        CHECK(result->report.filename == std::optional<std::string>("openssl.x12"));
        REQUIRE(result->report.mic);
        // openssl signed the entity file byte for byte (-binary): its digest is the MIC.
        CHECK(result->report.mic->digest == test::openssl_digest(md, dir / "entity"));
        CHECK(result->report.signature->declared_micalg == "sha-" + md.substr(3));
        if (cipher) {
          CHECK(result->report.encryption->cms.cipher == *cipher);
          CHECK(result->report.encryption->cms.key_transport ==
                (oaep ? cms::KeyTransport::rsa_oaep_sha1 : cms::KeyTransport::rsa_pkcs1v15));
        }
        ++checked;
      }
    }
  }
  CHECK(checked == 33);
}
