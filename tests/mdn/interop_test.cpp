// Every MDN pyas2-lib returned in the shared interop set (PAYLOAD_SHARED_DIR/interop/as2):
// parsed, the signed ones verified with keys/b.crt, and the Received-Content-MIC equal to
// the MIC the sender recorded in messages/NAME.json. Then the historic and sloppy forms
// partners send (as2-field-notes §1.3), made by editing a real MDN.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <payload/mdn/check.h>
#include <payload/mdn/parse.h>
#include <payload/mime/content_type.h>

#include "../mime/interop_json.h"
#include "mdn_fixture.h"
#include "support/temp_dir.h"

using namespace payload;
using namespace payload::mdn;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> mdn_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(payload::test::interop_dir() / "mdns")) {
    if (entry.path().extension() == ".mdn") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// pyas2 signs SHA-1 MDNs for SHA-1 messages: a legacy partner's policy.
MdnParseOptions legacy_partner() {
  MdnParseOptions options;
  options.verify.allowed_digests.push_back(cms::DigestAlg::sha1);
  return options;
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  REQUIRE(text.find(from) != std::string::npos);
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

TEST_CASE("every interop MDN parses, verifies and carries the MIC its message recorded") {
  const auto files = mdn_files();
  REQUIRE(files.size() >= 6);
  const cms::Certificate b = payload::test::interop_certificate("b");
  const cms::Certificate a = payload::test::interop_certificate("a");
  std::size_t signed_count = 0;
  std::size_t mic_count = 0;
  for (const fs::path& path : files) {
    INFO(path.filename().string());
    const auto file = payload::test::read_http_file(path);
    const auto message = payload::test::FlatJson::parse(
        payload::test::read_file(payload::test::interop_dir() / "messages" / (path.stem().string() + ".json")));
    const auto verdict = payload::test::FlatJson::parse(payload::test::read_file(fs::path(path).replace_extension(".json")));
    auto type = mime::parse_content_type(payload::test::header_value(file.headers, "Content-Type"));
    REQUIRE(type);
    const bool is_signed = type->is("multipart/signed");

    auto report = parse_mdn(file.headers, file.body, {b}, legacy_partner());
    if (!report) FAIL(report.error().message());
    CHECK(report->is_signed() == is_signed);
    if (is_signed) {
      ++signed_count;
      CHECK(report->signature == SignatureStatus::verified);
      REQUIRE(report->signer);
      CHECK(report->signer->signers.front().subject.find("CN=PEER_B") != std::string::npos);
      CHECK(report->micalg == std::optional<std::string>(std::string(type->parameter("micalg").value_or(""))));
      // The same bytes do not verify as PEER_A's: the check above can fail.
      auto wrong = parse_mdn(file.headers, file.body, {a}, legacy_partner());
      REQUIRE(wrong);
      CHECK(wrong->signature == SignatureStatus::invalid);
      CHECK_FALSE(check_mdn(*wrong, MdnExpectation{}));
    } else {
      CHECK(report->signature == SignatureStatus::unsigned_mdn);
    }
    CHECK(report->as2_from == std::optional<std::string>("PEER_B"));
    CHECK(report->as2_to == std::optional<std::string>("PEER_A"));
    CHECK(report->original_message_id == "<" + *message.string("message_id") + ">");
    REQUIRE(report->final_recipient);
    CHECK(report->final_recipient->address_type == "rfc822");
    CHECK(report->final_recipient->as2_name() == std::string("PEER_B"));
    CHECK(report->disposition.is_success() == (verdict.string("status") == std::string("processed")));
    CHECK(report->explanation.find("successfully processed") != std::string::npos);

    MdnExpectation expected;
    expected.original_message_id = *message.string("message_id");  // recorded without brackets
    expected.require_signature = is_signed;
    const auto recorded = message.string("mic");
    if (recorded) {
      ++mic_count;
      auto mic = parse_mic(*recorded + ", " + *message.string("micalg"));
      REQUIRE(mic);
      REQUIRE(report->mic);
      CHECK(*report->mic == *mic);
      expected.mics = {*mic};
      CHECK(check_mdn(*report, expected));
      // A different recorded MIC is a mismatch.
      Mic other = *mic;
      other.digest[0] = static_cast<char>(other.digest[0] ^ 1);
      auto mismatch = check_mdn(*report, other);
      REQUIRE_FALSE(mismatch);
      CHECK(mismatch.error().code() == Errc::bad_data);
    } else {
      CHECK_FALSE(report->mic);
      CHECK(check_mdn(*report, expected));
    }
  }
  CHECK(signed_count >= 4);
  CHECK(signed_count < files.size());
  CHECK(mic_count >= 4);
}

TEST_CASE("historic and sloppy MDN forms partners send are read") {
  const auto original = payload::test::read_file(payload::test::interop_dir() / "mdns" / "plain-mdn-unsigned.mdn");
  const std::string field_disposition = "Disposition: automatic-action/MDN-sent-automatically; processed\r\n";
  const std::string mic_value = "48RHIMgOv3cxWqIhwmeZN88bHpGe/MP7YZ1f+N3qHtw=";
  auto expected_mic = parse_mic(mic_value + ", sha256");
  REQUIRE(expected_mic);
  auto read = [](const std::string& bytes) {
    const auto file = payload::test::split_http(bytes);
    auto report = parse_mdn(file.headers, file.body, {});
    if (!report) FAIL(report.error().message());
    return *report;
  };

  SECTION("the unchanged MDN") {
    const MdnReport report = read(original);
    CHECK(report.disposition == processed());
    CHECK(report.original_recipient);
  }
  SECTION("Original-Recipient without rfc822 (SEEBURGER, pyas2-lib #33)") {
    std::string bytes = original;
    replace_once(bytes, "Original-Recipient: rfc822; PEER_B", "Original-Recipient: PEER_B");
    const MdnReport report = read(bytes);
    REQUIRE(report.original_recipient);
    CHECK(report.original_recipient->address_type.empty());
    CHECK(report.original_recipient->as2_name() == std::string("PEER_B"));
  }
  SECTION("no Original-Recipient at all (django-pyas2 #52)") {
    std::string bytes = original;
    replace_once(bytes, "Original-Recipient: rfc822; PEER_B\r\n", "");
    const MdnReport report = read(bytes);
    CHECK_FALSE(report.original_recipient);
    CHECK(report.final_recipient);
  }
  SECTION("field names in any case, extra spaces in Disposition (Drummond 1Q12 #7)") {
    std::string bytes = original;
    replace_once(bytes, field_disposition,
                 "DISPOSITION:   automatic-action/MDN-sent-automatically ;  processed \r\n"
                 "received-content-mic: " + mic_value + " ,sha256\r\n");
    replace_once(bytes, "Original-Message-ID:", "original-message-id:");
    const MdnReport report = read(bytes);
    CHECK(report.disposition == processed());
    CHECK(report.original_message_id == "<179530701201.29344.6192553013034720890@localhost>");
    REQUIRE(report.mic);
    CHECK(*report.mic == *expected_mic);
  }
  SECTION("a folded and wrapped Received-Content-MIC (Drummond 3Q12 #6, #7)") {
    std::string bytes = original;
    replace_once(bytes, field_disposition,
                 field_disposition + "Received-Content-MIC: " + mic_value.substr(0, 22) + "\r\n " +
                     mic_value.substr(22) + ",\r\n\tsha-256\r\n");
    const MdnReport report = read(bytes);
    REQUIRE(report.mic);
    CHECK(*report.mic == *expected_mic);
  }
  SECTION("RFC 3798 Error field (RFC 4130 7.5.6)") {
    std::string bytes = original;
    replace_once(bytes, field_disposition,
                 "Disposition: automatic-action/MDN-sent-automatically; processed/error\r\n"
                 "Error: authentication-failed\r\n");
    const MdnReport report = read(bytes);
    CHECK(report.disposition == processed_error(reason::authentication_failed));
    CHECK_FALSE(report.disposition.is_success());
  }
  SECTION("a blank line between per-message and per-recipient fields") {
    std::string bytes = original;
    replace_once(bytes, "Original-Recipient:", "\r\nOriginal-Recipient:");
    const MdnReport report = read(bytes);
    CHECK(report.reporting_ua == std::optional<std::string>("pyAS2 Open Source AS2 Software"));
    CHECK(report.disposition == processed());
  }
  SECTION("bare LF line ends in the body") {
    const auto file = payload::test::split_http(original);
    std::string body = file.body;
    replace_all(body, "\r\n", "\n");
    auto report = parse_mdn(file.headers, body, {});
    REQUIRE(report);
    CHECK(report->original_message_id == "<179530701201.29344.6192553013034720890@localhost>");
    CHECK(report->disposition == processed());
  }
  SECTION("a boundary with extra dashes and the report nested in multipart/mixed (Axway, phase2 #156)") {
    std::string bytes = original;
    replace_all(bytes, "===============8939863461480122509==", "----=_Part_7_1.1700000000");
    const auto file = payload::test::split_http(bytes);
    payload::test::HttpPairs headers;
    for (const auto& [name, value] : file.headers) {
      if (name != "Content-Type") headers.emplace_back(name, value);
    }
    headers.emplace_back("Content-Type", "multipart/mixed; boundary=\"outer--x\"");
    const std::string body = "--outer--x\r\nContent-Type: multipart/report; report-type=disposition-notification; "
                             "boundary=\"----=_Part_7_1.1700000000\"\r\n\r\n" +
                             file.body + "\r\n--outer--x--\r\n";
    auto report = parse_mdn(headers, body, {});
    if (!report) FAIL(report.error().message());
    CHECK(report->disposition == processed());
    CHECK(report->original_message_id == "<179530701201.29344.6192553013034720890@localhost>");
  }
  SECTION("a quoted Final-Recipient (i05 A.4)") {
    std::string bytes = original;
    replace_once(bytes, "Final-Recipient: rfc822; PEER_B", "Final-Recipient: rfc822; \"AS2 Test\"");
    const MdnReport report = read(bytes);
    REQUIRE(report.final_recipient);
    CHECK(report.final_recipient->as2_name() == std::string("AS2 Test"));
  }
}
