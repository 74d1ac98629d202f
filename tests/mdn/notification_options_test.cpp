// Disposition-Notification-Options: reading what senders write, writing our request, and
// the receiver's choice of signature and MIC algorithm (i05 8.3).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <payload/mdn/notification_options.h>

using namespace payload;
using namespace payload::mdn;
using cms::DigestAlg;

namespace {

NotificationOptions parsed(std::string_view value) {
  auto options = parse_notification_options(value);
  INFO(value);
  REQUIRE(options);
  return *options;
}

ReceiptSigning choose(std::string_view value, const ReceiptPolicy& policy = {}) {
  const NotificationOptions options = parsed(value);
  return select_receipt_signing(&options, policy);
}

}  // namespace

TEST_CASE("the RFC 4130 request reads into its parameters") {
  // RFC 4130 7.3's own example, trailing ';' included.
  const NotificationOptions options =
      parsed("signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha1, md5;");
  REQUIRE(options.options.size() == 2);
  const NotificationOption* protocol = options.find("Signed-Receipt-Protocol");
  REQUIRE(protocol);
  CHECK(protocol->importance == Importance::optional);
  CHECK(protocol->values == std::vector<std::string>{"pkcs7-signature"});
  const NotificationOption* micalg = options.find("signed-receipt-micalg");
  REQUIRE(micalg);
  CHECK(micalg->values == std::vector<std::string>{"sha1", "md5"});
  CHECK(options.find("importance") == nullptr);
}

TEST_CASE("spaces, case, quotes, missing importance and unknown attributes are tolerated") {
  const NotificationOptions options = parsed(
      "  Signed-Receipt-Protocol = REQUIRED , \"pkcs7-signature\" ;signed-receipt-micalg=Optional,\"sha-256, sha-384\","
      " sha512 ;; x-vendor-flag=optional, \"a;b\", c ; x-bare=value ;");
  REQUIRE(options.options.size() == 4);
  CHECK(options.options[0].attribute == "signed-receipt-protocol");
  CHECK(options.options[0].importance == Importance::required);
  CHECK(options.options[0].values == std::vector<std::string>{"pkcs7-signature"});
  CHECK(options.options[1].importance == Importance::optional);
  CHECK(options.options[1].values == std::vector<std::string>{"sha-256", "sha-384", "sha512"});
  CHECK(options.options[2].attribute == "x-vendor-flag");
  CHECK(options.options[2].values == std::vector<std::string>{"a;b", "c"});
  // No importance at all: optional, and the word is a value.
  CHECK(options.options[3].importance == Importance::optional);
  CHECK(options.options[3].values == std::vector<std::string>{"value"});
  CHECK(parsed("").options.empty());
}

TEST_CASE("malformed options are refused") {
  const std::vector<std::string> values{
      "signed-receipt-protocol",
      "signed-receipt-protocol optional, pkcs7-signature",
      "=optional, sha-256",
      "\"quoted\"=optional, x",
      "signed-receipt-micalg=optional, sha-256; signed-receipt-micalg=optional, sha-384",
      "signed-receipt-micalg=optional, \"sha-256",
      "signed-receipt-micalg=optional, \"sha-256\"trailing",
  };
  for (const std::string& value : values) {
    INFO(value);
    auto options = parse_notification_options(value);
    REQUIRE_FALSE(options);
    CHECK(options.error().code() == Errc::bad_data);
  }
}

TEST_CASE("the first listed supported micalg wins") {
  const ReceiptSigning first = choose("signed-receipt-protocol=optional, pkcs7-signature; "
                                      "signed-receipt-micalg=optional, sha-384, sha-256");
  CHECK(first.sign);
  CHECK(first.mic_algorithm == DigestAlg::sha384);
  CHECK_FALSE(first.failure);
  // SHA-1 first, but not supported by the default (AS2 1.3) policy: the next listed one.
  const ReceiptSigning skip = choose("signed-receipt-protocol=optional, pkcs7-signature; "
                                     "signed-receipt-micalg=optional, sha1, md5, SHA_512, sha-256");
  CHECK(skip.sign);
  CHECK(skip.mic_algorithm == DigestAlg::sha512);
  // A legacy partner's policy lets SHA-1 win.
  ReceiptPolicy legacy;
  legacy.supported_micalgs.push_back(DigestAlg::sha1);
  CHECK(choose("signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha1, sha-256", legacy)
            .mic_algorithm == DigestAlg::sha1);
  // Unknown values are ignored, pkcs7-signature is never a micalg (OpenAS2 #60).
  const ReceiptSigning noise = choose("signed-receipt-protocol=optional, pkcs7-signature; "
                                      "signed-receipt-micalg=optional, pkcs7-signature, sha3-256, whirlpool, sha256");
  CHECK(noise.sign);
  CHECK(noise.mic_algorithm == DigestAlg::sha256);
}

TEST_CASE("no supported micalg gives failed with unsupported MIC-algorithms") {
  for (const std::string importance : {"optional", "required"}) {
    INFO(importance);
    const ReceiptSigning decision = choose("signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=" +
                                           importance + ", md5, sha1, pkcs7-signature");
    CHECK_FALSE(decision.sign);
    REQUIRE(decision.failure);
    CHECK(*decision.failure == failed_failure(reason::unsupported_mic_algorithms));
  }
  // The policy's list decides: SHA-512 alone, partner offers only SHA-256.
  ReceiptPolicy strict;
  strict.supported_micalgs = {DigestAlg::sha512};
  const ReceiptSigning decision =
      choose("signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256", strict);
  REQUIRE(decision.failure);
  CHECK(decision.failure->has(ModifierKind::failure, reason::unsupported_mic_algorithms));
}

TEST_CASE("the protocol decides between signed, unsigned and failed") {
  SECTION("no options header: unsigned receipt with the default MIC algorithm") {
    ReceiptPolicy policy;
    policy.default_mic_algorithm = DigestAlg::sha384;
    const ReceiptSigning decision = select_receipt_signing(nullptr, policy);
    CHECK_FALSE(decision.sign);
    CHECK_FALSE(decision.failure);
    CHECK(decision.mic_algorithm == DigestAlg::sha384);
  }
  SECTION("only one of protocol and micalg: no signed receipt requested") {
    const ReceiptSigning protocol_only = choose("signed-receipt-protocol=required, pkcs7-signature");
    CHECK_FALSE(protocol_only.sign);
    CHECK_FALSE(protocol_only.failure);
    const ReceiptSigning micalg_only = choose("signed-receipt-micalg=required, sha-256");
    CHECK_FALSE(micalg_only.sign);
    CHECK_FALSE(micalg_only.failure);
  }
  SECTION("an unknown protocol marked optional: unsigned receipt") {
    const ReceiptSigning decision =
        choose("signed-receipt-protocol=optional, pgp-signature; signed-receipt-micalg=optional, sha-256");
    CHECK_FALSE(decision.sign);
    CHECK_FALSE(decision.failure);
  }
  SECTION("an unknown protocol marked required: unsupported format") {
    const ReceiptSigning decision =
        choose("signed-receipt-protocol=required, pgp-signature; signed-receipt-micalg=optional, sha-256");
    CHECK_FALSE(decision.sign);
    REQUIRE(decision.failure);
    CHECK(*decision.failure == failed_failure(reason::unsupported_format));
  }
  SECTION("an unknown attribute marked required: unsupported format") {
    const ReceiptSigning decision = choose("signed-receipt-protocol=optional, pkcs7-signature; "
                                           "signed-receipt-micalg=optional, sha-256; x-compress-receipt=required, yes");
    REQUIRE(decision.failure);
    CHECK(decision.failure->has(ModifierKind::failure, reason::unsupported_format));
  }
  SECTION("an unknown attribute marked optional is ignored") {
    const ReceiptSigning decision = choose("x-compress-receipt=optional, yes; signed-receipt-protocol=optional, "
                                           "pkcs7-signature; signed-receipt-micalg=optional, sha-256");
    CHECK(decision.sign);
    CHECK_FALSE(decision.failure);
  }
}

TEST_CASE("our request header is written in both spellings and reads back") {
  const std::vector<DigestAlg> micalgs{DigestAlg::sha256, DigestAlg::sha384};
  auto header = format_notification_options(micalgs);
  REQUIRE(header);
  CHECK(*header ==
        "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha-384");
  auto legacy = format_notification_options(micalgs, MicalgSpelling::rfc3851, Importance::required);
  REQUIRE(legacy);
  CHECK(*legacy == "signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, sha256, sha384");
  const ReceiptSigning decision = choose(*header);
  CHECK(decision.sign);
  CHECK(decision.mic_algorithm == DigestAlg::sha256);
  auto none = format_notification_options({});
  REQUIRE_FALSE(none);
  CHECK(none.error().code() == Errc::usage);
}
