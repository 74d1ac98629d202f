// The Disposition field: every AS2 value (as2-specs §4.2) written as the specs write it
// and read back, the tolerant reading of what partners send (T10), the RFC 3798 forms,
// and refusal of values that mean nothing.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <payload/mdn/disposition.h>
#include <payload/mime/header.h>

using namespace payload;
using namespace payload::mdn;

namespace {

constexpr std::string_view kAuto = "automatic-action/MDN-sent-automatically; ";

Disposition parsed(std::string_view value) {
  auto disposition = parse_disposition(value);
  INFO(value);
  REQUIRE(disposition);
  return *disposition;
}

mime::Headers headers_of(std::string_view block) {
  auto parsed_block = mime::parse_header_block(block);
  REQUIRE(parsed_block);
  return parsed_block->headers;
}

}  // namespace

TEST_CASE("every AS2 disposition value is written as the specs write it and reads back") {
  struct Case {
    Disposition disposition;
    std::string text;
  };
  const std::vector<Case> cases{
      {processed(), "processed"},
      {processed_warning(reason::duplicate_document), "processed/warning: duplicate-document"},
      {processed_warning(reason::authentication_failed_processing_continued),
       "processed/warning: authentication-failed, processing continued"},
      {processed_error(reason::authentication_failed), "processed/error: authentication-failed"},
      {processed_error(reason::decryption_failed), "processed/error: decryption-failed"},
      {processed_error(reason::decompression_failed), "processed/error: decompression-failed"},
      {processed_error(reason::integrity_check_failed), "processed/error: integrity-check-failed"},
      {processed_error(reason::insufficient_message_security), "processed/error: insufficient-message-security"},
      {processed_error(reason::unexpected_processing_error), "processed/error: unexpected-processing-error"},
      {processed_error(reason::unknown_trading_partner), "processed/error: unknown-trading-partner"},
      {processed_error(reason::unknown_trading_relationship), "processed/error: unknown-trading-relationship"},
      {processed_error(reason::invalid_message_id), "processed/error: invalid-message-id"},
      {processed_error(reason::duplicate_filename), "processed/error: duplicate-filename"},
      {processed_error(reason::illegal_filename), "processed/error: illegal-filename"},
      {failed_failure(reason::unsupported_format), "failed/failure: unsupported format"},
      {failed_failure(reason::unsupported_mic_algorithms), "failed/failure: unsupported MIC-algorithms"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(c.disposition.to_string() == std::string(kAuto) + c.text);
    CHECK(parsed(c.disposition.to_string()) == c.disposition);
  }
}

TEST_CASE("success means processed with at most warnings") {
  CHECK(processed().is_success());
  CHECK(processed_warning(reason::duplicate_document).is_success());
  CHECK_FALSE(processed_error(reason::decryption_failed).is_success());
  CHECK_FALSE(failed_failure(reason::unsupported_format).is_success());
  CHECK_FALSE(parsed("automatic-action/MDN-sent-automatically; failed").is_success());
  // An extension modifier we do not know is not taken for success.
  const Disposition extension = parsed("automatic-action/MDN-sent-automatically; processed/expired");
  REQUIRE(extension.modifiers.size() == 1);
  CHECK(extension.modifiers[0].kind == ModifierKind::extension);
  CHECK(extension.modifiers[0].name == "expired");
  CHECK_FALSE(extension.is_success());
}

TEST_CASE("case, spaces and a missing sending mode are tolerated") {
  const Disposition plain = parsed("AUTOMATIC-ACTION/mdn-sent-AUTOMATICALLY;PROCESSED");
  CHECK(plain == processed());
  CHECK(parsed("  automatic-action / MDN-sent-automatically ;  processed  ") == processed());
  // Drummond 1Q12 #7: an extra space inside the field.
  CHECK(parsed("automatic-action/MDN-sent-automatically;  processed /  Error :  decryption-failed ") ==
        processed_error(reason::decryption_failed));
  const Disposition no_sending = parsed("automatic-action; processed");
  CHECK(no_sending.sending_mode == SendingMode::automatic);
  const Disposition manual = parsed("manual-action/MDN-sent-manually; processed");
  CHECK(manual.action_mode == ActionMode::manual);
  CHECK(manual.sending_mode == SendingMode::manual);
  CHECK(manual.to_string() == "manual-action/MDN-sent-manually; processed");
  CHECK(parsed("manual-action; processed").sending_mode == SendingMode::manual);
  // The IANA table itself writes no space after the colon.
  CHECK(parsed("automatic-action/MDN-sent-automatically; processed/error:duplicate-filename") ==
        processed_error(reason::duplicate_filename));
  // A trailing separator adds nothing.
  CHECK(parsed("automatic-action/MDN-sent-automatically; processed;") == processed());
  CHECK(parsed("automatic-action/MDN-sent-automatically; processed/error: decryption-failed;") ==
        processed_error(reason::decryption_failed));
}

TEST_CASE("commas inside a modifier text stay in the text") {
  const Disposition warning =
      parsed("automatic-action/MDN-sent-automatically; processed/Warning: authentication-failed, processing continued");
  REQUIRE(warning.modifiers.size() == 1);
  CHECK(warning.modifiers[0].kind == ModifierKind::warning);
  CHECK(warning.modifiers[0].text == "authentication-failed, processing continued");
  CHECK(warning.has(ModifierKind::warning, reason::authentication_failed_processing_continued));
  CHECK(warning.is_success());
  const Disposition free_text = parsed("automatic-action/MDN-sent-automatically; failed/failure: sender-equals-receiver, "
                                       "see log; ticket 42");
  REQUIRE(free_text.modifiers.size() == 1);
  CHECK(free_text.modifiers[0].text == "sender-equals-receiver, see log; ticket 42");
}

TEST_CASE("several modifiers are separated by semicolons or RFC 8098 commas") {
  const Disposition two = parsed(
      "automatic-action/MDN-sent-automatically; processed/error: duplicate-filename; error: illegal-filename");
  REQUIRE(two.modifiers.size() == 2);
  CHECK(two.modifiers[0].is(reason::duplicate_filename));
  CHECK(two.modifiers[1].is(reason::illegal_filename));
  CHECK(two.to_string() ==
        "automatic-action/MDN-sent-automatically; processed/error: duplicate-filename; error: illegal-filename");
  CHECK(parsed(two.to_string()) == two);

  const Disposition mixed = parsed(
      "automatic-action/MDN-sent-automatically; processed/warning: duplicate-document;ERROR:unexpected-processing-error");
  REQUIRE(mixed.modifiers.size() == 2);
  CHECK(mixed.modifiers[0].kind == ModifierKind::warning);
  CHECK(mixed.modifiers[1].kind == ModifierKind::error);
  CHECK_FALSE(mixed.is_success());
  CHECK(mixed.find(ModifierKind::error) == &mixed.modifiers[1]);
  CHECK(mixed.find(ModifierKind::failure) == nullptr);

  const Disposition rfc8098 = parsed("automatic-action/MDN-sent-automatically; processed/error,warning");
  REQUIRE(rfc8098.modifiers.size() == 2);
  CHECK(rfc8098.modifiers[0].kind == ModifierKind::error);
  CHECK(rfc8098.modifiers[1].kind == ModifierKind::warning);
  CHECK(rfc8098.modifiers[0].text.empty());
}

TEST_CASE("modifier texts compare without case, spaces and hyphens") {
  const Disposition failure = parsed("automatic-action/MDN-sent-automatically; failed/Failure: Unsupported  mic-algorithms");
  CHECK(failure.has(ModifierKind::failure, reason::unsupported_mic_algorithms));
  CHECK_FALSE(failure.has(ModifierKind::failure, reason::unsupported_format));
  CHECK_FALSE(failure.has(ModifierKind::error, reason::unsupported_mic_algorithms));
  CHECK(parsed("automatic-action/MDN-sent-automatically; processed/error: Authentication_Failed")
            .has(ModifierKind::error, reason::authentication_failed));
}

TEST_CASE("the historic RFC 3798 forms are completed from Error, Warning and Failure fields") {
  SECTION("processed/error with an Error field") {
    Disposition disposition = parsed("automatic-action/MDN-sent-automatically; processed/error");
    REQUIRE(disposition.modifiers.size() == 1);
    CHECK(disposition.modifiers[0].text.empty());
    merge_historic_fields(disposition, headers_of("Disposition: x\r\nError: authentication-failed\r\n\r\n"));
    CHECK(disposition == processed_error(reason::authentication_failed));
  }
  SECTION("several Error fields") {
    Disposition disposition = parsed("automatic-action/MDN-sent-automatically; processed/Error");
    merge_historic_fields(disposition, headers_of("error: decryption-failed\r\nERROR: integrity-check-failed\r\n\r\n"));
    REQUIRE(disposition.modifiers.size() == 2);
    CHECK(disposition.modifiers[0].is(reason::decryption_failed));
    CHECK(disposition.modifiers[1].kind == ModifierKind::error);
    CHECK(disposition.modifiers[1].is(reason::integrity_check_failed));
  }
  SECTION("failed with a Failure field") {
    Disposition disposition = parsed("automatic-action/MDN-sent-automatically; failed");
    merge_historic_fields(disposition, headers_of("Failure: unsupported format\r\n\r\n"));
    CHECK(disposition == failed_failure(reason::unsupported_format));
  }
  SECTION("processed/warning with a Warning field stays a success") {
    Disposition disposition = parsed("automatic-action/MDN-sent-automatically; processed/warning");
    merge_historic_fields(disposition, headers_of("Warning: duplicate-document\r\nReporting-UA: x\r\n\r\n"));
    CHECK(disposition == processed_warning(reason::duplicate_document));
    CHECK(disposition.is_success());
  }
  SECTION("a modifier that already has its text keeps it") {
    Disposition disposition = parsed("automatic-action/MDN-sent-automatically; processed/error: decryption-failed");
    merge_historic_fields(disposition, headers_of("Error: more detail\r\n\r\n"));
    REQUIRE(disposition.modifiers.size() == 2);
    CHECK(disposition.modifiers[0].is(reason::decryption_failed));
    CHECK(disposition.modifiers[1].text == "more detail");
  }
}

TEST_CASE("dispositions without AS2 meaning are refused") {
  const std::vector<std::string> values{
      "",
      ";",
      "processed",
      "automatic-action/MDN-sent-automatically",
      "automatic-action/MDN-sent-automatically;",
      "automatic-action/MDN-sent-automatically; ",
      "robot-action/MDN-sent-automatically; processed",
      "automatic-action/MDN-sent-somehow; processed",
      "automatic-action/MDN-sent-automatically; displayed",
      "automatic-action/MDN-sent-automatically; deleted",
      "automatic-action/MDN-sent-automatically; processed/",
      "automatic-action/MDN-sent-automatically; processed/: text",
      "automatic-action/MDN-sent-automatically; processed garbage",
      "automatic-action/MDN-sent-automatically; \xff\xfe",
      "automatic-action/MDN-sent-automatically; " + std::string(100000, 'x'),
  };
  for (const std::string& value : values) {
    INFO(value.substr(0, 80));
    auto disposition = parse_disposition(value);
    REQUIRE_FALSE(disposition);
    CHECK(disposition.error().code() == Errc::bad_data);
    CHECK(disposition.error().message().size() < 300);
  }
}
