// Hostile MDNs: whatever a partner sends, parse_mdn returns a report or an error, never
// crashes, and a report whose signature verified always shows the content that was
// signed. Damaged copies of a signed MDN of ours and of pyas2's go through it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <payload/mdn/build.h>
#include <payload/mdn/parse.h>

#include "mdn_fixture.h"
#include "support/temp_dir.h"

using namespace payload;
using namespace payload::mdn;

namespace {

struct Sample {
  std::string name;
  payload::test::HttpPairs headers;
  std::string body;
};

std::vector<Sample> samples() {
  std::vector<Sample> out;
  MdnOptions options;
  options.signing = MdnSigning{payload::test::interop_identity("b"), cms::SignOptions{}};
  MdnContent content;
  content.mic = compute_mic("payload", cms::DigestAlg::sha256).value();
  auto ours = build_mdn(MdnRequest{"<original@a>", "PEER_A", "PEER_B"}, content, options);
  REQUIRE(ours);
  out.push_back({"ours", ours->headers(), ours->body});
  const auto theirs = payload::test::read_http_file(payload::test::interop_dir() / "mdns" / "signed-sha256-aes256.mdn");
  out.push_back({"pyas2", theirs.headers, theirs.body});
  return out;
}

// Parses a damaged copy. A verified signature must come with the original's content.
void check_damaged(const Sample& sample, const MdnReport& intact, const std::string& body,
                   const std::vector<cms::Certificate>& certs) {
  auto report = parse_mdn(sample.headers, body, certs);
  if (!report) {
    const Errc code = report.error().code();
    CHECK((code == Errc::bad_data || code == Errc::unsupported));
    return;
  }
  if (report->signature == SignatureStatus::verified) {
    CHECK(report->original_message_id == intact.original_message_id);
    CHECK(report->disposition == intact.disposition);
    CHECK(report->mic == intact.mic);
  } else {
    CHECK(report->signature == SignatureStatus::invalid);
  }
}

}  // namespace

TEST_CASE("truncated and bit-flipped signed MDNs never verify with changed content") {
  const std::vector<cms::Certificate> certs{payload::test::interop_certificate("b")};
  for (const Sample& sample : samples()) {
    INFO(sample.name);
    auto intact = parse_mdn(sample.headers, sample.body, certs);
    REQUIRE(intact);
    REQUIRE(intact->signature == SignatureStatus::verified);
    for (std::size_t size = 0; size < sample.body.size(); size += 37) {
      INFO("truncated to " << size);
      check_damaged(sample, *intact, sample.body.substr(0, size), certs);
    }
    for (std::size_t pos = 0; pos < sample.body.size(); pos += 53) {
      INFO("byte " << pos << " flipped");
      std::string body = sample.body;
      body[pos] = static_cast<char>(body[pos] ^ 0x20);
      check_damaged(sample, *intact, body, certs);
    }
  }
}

TEST_CASE("things that are not MDNs are refused with bad_data") {
  struct Case {
    std::string name;
    payload::test::HttpPairs headers;
    std::string body;
  };
  const std::string notification =
      "Content-Type: message/disposition-notification\r\n\r\n"
      "Original-Message-ID: <a@b>\r\nDisposition: automatic-action/MDN-sent-automatically; processed\r\n";
  const std::vector<Case> cases{
      {"an empty body (django-pyas2 #48)", {{"Content-Type", "multipart/report; boundary=x"}}, ""},
      {"an HTML error page (phpas2 #30)", {{"Content-Type", "text/html"}}, "<html>500</html>"},
      {"no Content-Type at all", {{"AS2-From", "B"}}, "Disposition: x\r\n"},
      {"a report without a notification part",
       {{"Content-Type", "multipart/report; boundary=x"}},
       "--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n"},
      {"a report with no close delimiter", {{"Content-Type", "multipart/report; boundary=x"}}, "--x\r\n" + notification},
      {"no Disposition",
       {{"Content-Type", "message/disposition-notification"}},
       "Original-Message-ID: <a@b>\r\nFinal-Recipient: rfc822; B\r\n"},
      {"no Original-Message-ID",
       {{"Content-Type", "message/disposition-notification"}},
       "Disposition: automatic-action/MDN-sent-automatically; processed\r\n"},
      {"an unreadable Disposition",
       {{"Content-Type", "message/disposition-notification"}},
       "Original-Message-ID: <a@b>\r\nDisposition: processed\r\n"},
      {"an unreadable MIC",
       {{"Content-Type", "message/disposition-notification"}},
       "Original-Message-ID: <a@b>\r\nDisposition: automatic-action/MDN-sent-automatically; processed\r\n"
       "Received-Content-MIC: not base64!, sha256\r\n"},
      {"an empty Final-Recipient",
       {{"Content-Type", "message/disposition-notification"}},
       "Original-Message-ID: <a@b>\r\nFinal-Recipient: rfc822;\r\n"
       "Disposition: automatic-action/MDN-sent-automatically; processed\r\n"},
      {"notification lines that are not fields",
       {{"Content-Type", "message/disposition-notification"}},
       "Original-Message-ID: <a@b>\r\n\r\nthis is prose, not a field\r\n"},
      {"a multipart/signed with one part",
       {{"Content-Type", "multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s"}},
       "--s\r\n" + notification + "\r\n--s--\r\n"},
      {"a header line with a NUL", {{"Content-Type", std::string("multipart/report;\0 boundary=x", 29)}}, "x"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto report = parse_mdn(c.headers, c.body, {});
    REQUIRE_FALSE(report);
    CHECK(report.error().code() == Errc::bad_data);
    CHECK(report.error().message().size() < 400);
  }
}

TEST_CASE("a bare notification and a broken signature part are read, the latter as invalid") {
  SECTION("message/disposition-notification as the whole body") {
    auto report = parse_mdn(
        payload::test::HttpPairs{{"Content-Type", "message/disposition-notification"}},
        "Original-Message-ID: <a@b>\r\nDisposition: automatic-action/MDN-sent-automatically; processed\r\n", {});
    REQUIRE(report);
    CHECK(report->original_message_id == "<a@b>");
    CHECK_FALSE(report->final_recipient);
  }
  SECTION("a signature part that is not base64") {
    const std::string body =
        "--s\r\nContent-Type: message/disposition-notification\r\n\r\n"
        "Original-Message-ID: <a@b>\r\nDisposition: automatic-action/MDN-sent-automatically; processed\r\n"
        "\r\n--s\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "!!not base64!!\r\n--s--\r\n";
    auto report = parse_mdn(payload::test::HttpPairs{{"Content-Type", "multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s"}},
                            body, {payload::test::interop_certificate("b")});
    REQUIRE(report);
    CHECK(report->signature == SignatureStatus::invalid);
    REQUIRE(report->signature_error);
    CHECK(report->signature_error->code() == Errc::bad_data);
  }
  SECTION("a second part that is no signature") {
    const std::string body =
        "--s\r\nContent-Type: message/disposition-notification\r\n\r\n"
        "Original-Message-ID: <a@b>\r\nDisposition: automatic-action/MDN-sent-automatically; processed\r\n"
        "\r\n--s\r\nContent-Type: text/plain\r\n\r\nhello\r\n--s--\r\n";
    auto report = parse_mdn(payload::test::HttpPairs{{"Content-Type", "multipart/signed; boundary=s"}}, body,
                            {payload::test::interop_certificate("b")});
    REQUIRE(report);
    CHECK(report->signature == SignatureStatus::invalid);
  }
}
