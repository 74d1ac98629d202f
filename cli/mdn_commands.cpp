// `payload mdn verify`: checks an AS2 receipt (RFC 4130 7.3.1, 7.4; i05 8.3.1, 8.4) against
// the partner's certificate and the MIC recorded when the message was sent.
#include <algorithm>
#include <iostream>
#include <memory>

#include <payload/as2/http_message.h>
#include <payload/io/file.h>
#include <payload/mdn/check.h>
#include <payload/mdn/parse.h>

#include "as2_support.h"
#include "commands.h"
#include "common.h"

namespace payload::cli {
namespace {

struct VerifyArgs {
  CommonOptions common;
  std::string input;
  std::vector<std::string> partner_certs;
  std::string mic;
  std::string message_id;
  std::vector<std::string> allow_digests;
  bool allow_unsigned = false;
};

std::string_view signature_name(mdn::SignatureStatus status) {
  switch (status) {
    case mdn::SignatureStatus::unsigned_mdn: return "unsigned";
    case mdn::SignatureStatus::verified: return "verified";
    case mdn::SignatureStatus::invalid: return "invalid";
  }
  return "?";
}

Poco::JSON::Object::Ptr mdn_json(const mdn::MdnReport& report) {
  auto o = json_object();
  auto opt = [](const std::optional<std::string>& v) { return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var(); };
  o->set("as2_from", opt(report.as2_from));
  o->set("as2_to", opt(report.as2_to));
  o->set("message_id", opt(report.message_id));
  o->set("original_message_id", report.original_message_id);
  o->set("disposition", report.disposition.to_string());
  o->set("success", report.disposition.is_success());
  o->set("mic", report.mic ? Poco::Dynamic::Var(report.mic->to_string()) : Poco::Dynamic::Var());
  o->set("signature", std::string(signature_name(report.signature)));
  o->set("micalg", opt(report.micalg));
  if (report.signer) {
    const auto& s = report.signer->signers.front();
    o->set("signer", s.subject);
    o->set("signer_serial", s.serial);
    o->set("signer_digest", std::string(cms::micalg(s.digest)));
  }
  if (report.signature_error) o->set("signature_error", report.signature_error->message());
  o->set("explanation", report.explanation);
  return o;
}

int run_verify(const VerifyArgs& args) {
  std::optional<mdn::Mic> expected_mic;
  if (!args.mic.empty()) {
    auto mic = parse_user_mic(args.mic);
    if (!mic) return report_error(mic.error(), args.common);
    expected_mic = std::move(*mic);
  }
  auto partners = load_as2_certificates(args.partner_certs);
  if (!partners) return report_error(partners.error(), args.common);
  mdn::MdnParseOptions options;
  for (const auto& text : args.allow_digests) {
    auto digest = parse_as2_digest(text);
    if (!digest) return report_error(digest.error(), args.common);
    auto& allowed = options.verify.allowed_digests;
    if (std::find(allowed.begin(), allowed.end(), *digest) == allowed.end()) allowed.push_back(*digest);
  }
  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);
  auto wire = io::read_all(in->input().fd);
  if (!wire) return report_error(wire.error().with_context(args.input), args.common);
  auto http = as2::parse_http_message(std::move(*wire));
  if (!http) return report_error(http.error().with_context(args.input), args.common);
  auto report = mdn::parse_mdn(http->headers, std::move(http->body), *partners, options);
  if (!report) return report_error(report.error().with_context(args.input), args.common);

  mdn::MdnExpectation expectation;
  expectation.original_message_id = args.message_id;
  if (expected_mic) expectation.mics.push_back(*expected_mic);
  expectation.require_signature = !args.allow_unsigned;
  auto details = mdn_json(*report);
  details->set("input", args.input);
  details->set("expected_mic", expected_mic ? Poco::Dynamic::Var(expected_mic->to_string()) : Poco::Dynamic::Var());
  const bool notes = show_notes(args.common);
  if (auto checked = mdn::check_mdn(*report, expectation); !checked) {
    const Error& error = checked.error();
    if (notes) std::cerr << "disposition: " << report->disposition.to_string() << "\n";
    return report_error(error.with_context(args.input), args.common, details);
  }
  const bool success = report->disposition.is_success();
  const int code = success ? exit_ok : exit_negative_disposition;
  if (args.common.json) {
    details->set("ok", success);
    if (!success) {
      details->set("error", std::string("negative_disposition"));
      details->set("message", "the partner reports " + report->disposition.to_string());
    }
    details->set("exit_code", code);
    print_json(details);
  } else {
    if (!args.common.quiet) {
      std::cout << "disposition: " << report->disposition.to_string() << "\n";
      std::cout << "original-message-id: " << report->original_message_id << "\n";
      if (report->signer) {
        const auto& s = report->signer->signers.front();
        std::cout << "signed: by " << s.subject << " (serial " << s.serial << "), " << cms::micalg(s.digest) << "\n";
      } else {
        std::cout << "signed: no\n";
      }
      std::cout << "mic: " << (report->mic ? report->mic->to_string() : std::string("none"))
                << (expected_mic ? " (matches)" : " (not checked: no --mic)") << "\n";
      if (!report->explanation.empty() && !success) std::cout << "explanation: " << report->explanation << "\n";
      std::cout << std::flush;
    }
    if (!success) std::cerr << "payload: " << args.input << ": the partner reports " << report->disposition.to_string() << std::endl;
  }
  return code;
}

}  // namespace

void register_mdn_commands(CLI::App& app, int& exit_code) {
  auto* mdn = app.add_subcommand("mdn", "AS2 receipts (MDNs)");
  mdn->require_subcommand(1);
  auto v = std::make_shared<VerifyArgs>();
  auto* verify = mdn->add_subcommand("verify", "Verify an MDN's signature and MIC and print its disposition");
  verify->add_option("mdn", v->input, "The MDN in wire form: HTTP headers, empty line, body (- for stdin)")->required();
  verify->add_option("--partner-cert", v->partner_certs, "The partner's certificate(s) (repeatable, PEM bundles allowed)")
      ->required()
      ->allow_extra_args(false);
  verify->add_option("--mic", v->mic, "The MIC recorded at send time: \"BASE64, ALG\" as pack printed it, or BASE64");
  verify->add_option("--message-id", v->message_id, "The Message-ID of the message sent (checked against Original-Message-ID)");
  verify->add_option("--allow-digest", v->allow_digests, "Also accept this MDN signature digest (sha1, md5) (repeatable)")
      ->allow_extra_args(false);
  verify->add_flag("--allow-unsigned", v->allow_unsigned, "Accept an unsigned MDN (no authentication)");
  add_common_options(*verify, v->common, false);
  verify->callback([v, &exit_code] { exit_code = run_verify(*v); });
}

}  // namespace payload::cli
