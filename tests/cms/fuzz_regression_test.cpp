// Inputs fuzz/cms_verify, cms_decrypt and cms_decompress found (docs/reliability.md), each
// rebuilt here from a signature the `openssl` command made, fed to the same function, and
// checked to fail with its clear error. Leaks show under ASan (scripts/test --sanitize).
#include <catch2/catch.hpp>

#include <algorithm>

#include <payload/cms/verify.h>

#include "cms_fixture.h"
#include "support/run.h"

using namespace payload;
using payload::test::openssl;
using payload::test::Pki;

namespace {

std::string openssl_detached_signature(const std::string& content) {
  const auto& pki = Pki::get();
  const auto base = pki.dir() / "fuzz-regression";
  test::write_file(base.string() + ".txt", content);
  openssl({"cms", "-sign", "-binary", "-md", "sha256", "-in", base.string() + ".txt", "-signer", pki.crt("rsa").string(),
           "-inkey", pki.key("rsa").string(), "-outform", "DER", "-out", base.string() + ".p7s"});
  return test::read_file(base.string() + ".p7s");
}

}  // namespace

TEST_CASE("fuzz regression: a SignedData listing a digest OpenSSL cannot set up fails without leaking the content copy",
          "[cms][verify][fuzz]") {
  const std::string content = "Content-Type: text/plain\r\n\r\ninvoice 42\r\n";
  std::string signature = openssl_detached_signature(content);
  // id-sha256 (2.16.840.1.101.3.4.2.1) first appears in SignedData.digestAlgorithms, before
  // the SignerInfo: make that one 2.16.840.1.101.3.4.2.99, which no provider implements. The
  // SignerInfo still says sha256, so the policy checks pass and CMS_verify gets as far as
  // setting up the digests over the content (CMS_dataInit), which fails.
  const std::string sha256_oid = "\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01";
  const auto at = signature.find(sha256_oid);
  REQUIRE(at != std::string::npos);
  REQUIRE(signature.find(sha256_oid, at + 1) != std::string::npos);  // the SignerInfo's, left alone
  signature[at + sha256_oid.size() - 1] = '\x63';

  const std::vector<cms::Certificate> partners{Pki::get().certificate("rsa")};
  auto result = cms::verify_detached(content, signature, partners);
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == Errc::bad_signature);
  CHECK_THAT(result.error().message(), Catch::Contains("signature verification failed"));
  // The untouched signature still verifies: the fix changed how the content is handed over, not the result.
  auto good = cms::verify_detached(content, openssl_detached_signature(content), partners);
  REQUIRE(good);
  CHECK(good->signers.size() == 1);
}
