// payload::mdn building: multipart/report, optionally inside multipart/signed.
#include <payload/mdn/build.h>

#include <payload/cms/algorithms.h>
#include <payload/mdn/recipient.h>
#include <payload/mime/builder.h>
#include <payload/mime/canonicalize.h>
#include <payload/mime/content_type.h>
#include <payload/mime/multipart.h>

#include "as2_headers.h"
#include "text.h"

#ifndef PAYLOAD_VERSION
#error "PAYLOAD_VERSION must be defined by the build"
#endif

namespace payload::mdn {

namespace {

using mime::FieldSpec;

constexpr std::string_view kOriginalMessageId = "Original-Message-ID";

bool is_ascii(std::string_view text) noexcept {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) > 0x7f) return false;
  }
  return true;
}

// Controls and 8-bit bytes as '?', at most 200 characters: partner values quoted in our
// own prose, which must stay within RFC 5322's 998-character lines.
std::string printable(std::string_view text) {
  constexpr std::size_t limit = 200;
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    out += (b < 0x20 || b > 0x7e) ? '?' : text[i];
  }
  if (text.size() > limit) out += "...";
  return out;
}

std::string modifier_texts(const Disposition& disposition, ModifierKind kind) {
  std::string out;
  for (const Modifier& modifier : disposition.modifiers) {
    if (modifier.kind != kind) continue;
    if (!out.empty()) out += "; ";
    out += modifier.text.empty() ? modifier.to_string() : modifier.text;
  }
  return out;
}

// The sentence of the text/plain part when the caller gave none.
std::string default_explanation(const MdnRequest& request, const Disposition& disposition) {
  const std::string message = "The AS2 message " + printable(request.message_id);
  std::string text;
  if (disposition.type == DispositionType::failed) {
    text = message + " was received, but the receipt cannot be returned as requested: " +
           modifier_texts(disposition, ModifierKind::failure) + ".";
    if (disposition.has(ModifierKind::failure, reason::unsupported_mic_algorithms)) {
      text += "\r\nNone of the algorithms listed in signed-receipt-micalg is supported for signing the receipt.";
    } else if (disposition.has(ModifierKind::failure, reason::unsupported_format)) {
      text += "\r\nThe Disposition-Notification-Options of the request cannot be honoured.";
    }
  } else if (disposition.is_success()) {
    text = message + " was received and processed successfully.";
    if (const std::string warnings = modifier_texts(disposition, ModifierKind::warning); !warnings.empty()) {
      text += "\r\nWarning: " + warnings + ".";
    }
  } else {
    std::string problems = modifier_texts(disposition, ModifierKind::error);
    const std::string others = modifier_texts(disposition, ModifierKind::extension);
    if (!others.empty()) problems += (problems.empty() ? "" : "; ") + others;
    text = message + " was received, but processing failed: " + problems + ".";
  }
  return text + "\r\n";
}

Result<std::string> text_part(std::string_view explanation) {
  std::string body = mime::canonicalize(explanation);
  if (body.size() < 2 || body.compare(body.size() - 2, 2, "\r\n") != 0) body += "\r\n";
  const bool ascii = is_ascii(body);
  const std::vector<FieldSpec> fields{
      {"Content-Type", ascii ? "text/plain; charset=us-ascii" : "text/plain; charset=utf-8"}};
  return mime::build_entity(fields, body,
                            ascii ? mime::TransferEncoding::seven_bit : mime::TransferEncoding::eight_bit,
                            mime::Folding::never);
}

Status add_field(std::string& out, std::string_view name, std::string_view value) {
  auto line = mime::format_field(name, value, mime::Folding::never);
  if (!line) return fail(line.error());
  out += *line;
  return {};
}

// The message/disposition-notification fields (RFC 8098 3.1, i05 8.4.4).
Result<std::string> notification_fields(const MdnRequest& request, const MdnContent& content,
                                        std::string_view recipient, MicalgSpelling spelling) {
  std::string fields;
  if (!content.reporting_ua.empty()) {
    if (auto s = add_field(fields, "Reporting-UA", content.reporting_ua); !s) return fail(s.error());
  }
  const std::string address = "rfc822; " + std::string(recipient);
  if (content.original_recipient) {
    if (auto s = add_field(fields, "Original-Recipient", address); !s) return fail(s.error());
  }
  if (auto s = add_field(fields, "Final-Recipient", address); !s) return fail(s.error());
  if (auto s = add_field(fields, kOriginalMessageId, request.message_id); !s) return fail(s.error());
  if (auto s = add_field(fields, "Disposition", content.disposition.to_string()); !s) return fail(s.error());
  if (content.mic && content.disposition.is_success()) {
    if (content.mic->digest.size() != cms::digest_size(content.mic->algorithm)) {
      return fail(Errc::usage, "the MIC has " + std::to_string(content.mic->digest.size()) + " bytes, not the " +
                                   std::to_string(cms::digest_size(content.mic->algorithm)) + " of " +
                                   std::string(micalg_name(content.mic->algorithm)));
    }
    if (auto s = add_field(fields, "Received-Content-MIC", content.mic->to_string(spelling)); !s) return fail(s.error());
  }
  return fields;
}

Status check_request(const MdnRequest& request) {
  const std::string_view id = request.message_id;
  if (id.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return fail(Errc::bad_data, "the request's Message-ID '" + detail::excerpt(id) + "' has a line break or NUL");
  }
  // "Original-Message-ID: " + the value must fit one line (RFC 5322 2.1.1): it is never folded.
  if (kOriginalMessageId.size() + 2 + id.size() > 998) {
    return fail(Errc::bad_data, "the request's Message-ID is too long to echo (" + std::to_string(id.size()) + " bytes)");
  }
  return {};
}

}  // namespace

HttpHeaders BuiltMdn::headers() const {
  HttpHeaders all = as2_headers;
  all.insert(all.end(), mime_headers.begin(), mime_headers.end());
  return all;
}

Result<BuiltMdn> build_mdn(const MdnRequest& request, const MdnContent& content, const MdnOptions& options) {
  if (auto status = check_request(request); !status) return fail(status.error());
  // Echo the partner's forms: AS2-To becomes our AS2-From and the recipient, AS2-From our AS2-To (T2).
  auto us = echo_as2_name(request.as2_to);
  if (!us) return fail(us.error().with_context("the request's AS2-To"));
  auto partner = echo_as2_name(request.as2_from);
  if (!partner) return fail(partner.error().with_context("the request's AS2-From"));

  BuiltMdn mdn;
  auto message_id = options.message_id.empty() ? detail::generate_message_id(options.message_id_domain)
                                               : detail::bracket_message_id(options.message_id);
  if (!message_id) return fail(message_id.error());
  mdn.message_id = *message_id;

  // AS2 headers (i05 6.1, 6.2, 6.3, 8.2).
  const std::string product = options.as2_product.empty() ? std::string("payload:") + PAYLOAD_VERSION : options.as2_product;
  if (options.as2_version.empty()) return fail(Errc::usage, "AS2-Version is empty");
  mdn.as2_headers.emplace_back("AS2-Version", options.as2_version);
  mdn.as2_headers.emplace_back("AS2-Product", product);
  if (!options.ediint_features.empty()) {
    std::string features;
    for (const std::string& feature : options.ediint_features) features += (features.empty() ? "" : ", ") + feature;
    mdn.as2_headers.emplace_back("EDIINT-Features", features);
  }
  mdn.as2_headers.emplace_back("AS2-From", *us);
  mdn.as2_headers.emplace_back("AS2-To", *partner);
  mdn.as2_headers.emplace_back("Message-ID", mdn.message_id);
  mdn.as2_headers.emplace_back("Date", detail::rfc5322_date(options.date.value_or(std::chrono::system_clock::now())));
  mdn.as2_headers.emplace_back("Subject", options.subject);
  for (const auto& [name, value] : mdn.as2_headers) {
    if (auto line = mime::format_field(name, value, mime::Folding::never); !line) return fail(line.error());
  }

  // The two parts of the report (RFC 6522, RFC 8098 3).
  auto text = text_part(content.explanation.empty() ? default_explanation(request, content.disposition)
                                                    : content.explanation);
  if (!text) return fail(text.error());
  auto fields = notification_fields(request, content, *us, options.spelling);
  if (!fields) return fail(fields.error());
  const std::vector<FieldSpec> notification_header{{"Content-Type", "message/disposition-notification"}};
  auto notification = mime::build_entity(notification_header, *fields,
                                          is_ascii(*fields) ? mime::TransferEncoding::seven_bit
                                                            : mime::TransferEncoding::eight_bit,
                                          mime::Folding::never);
  if (!notification) return fail(notification.error());
  const std::string_view report_parts[] = {*text, *notification};
  auto report_body = mime::build_multipart_body(report_parts);
  if (!report_body) return fail(report_body.error());
  mime::ContentType report_type{"multipart", "report", {}};
  report_type.parameters.set("report-type", "disposition-notification");
  report_type.parameters.set("boundary", report_body->boundary);

  mdn.mime_headers.emplace_back("MIME-Version", "1.0");
  if (!options.signing) {
    mdn.mime_headers.emplace_back("Content-Type", report_type.to_string());
    mdn.body = std::move(report_body->body);
    return mdn;
  }

  // Signed: the multipart/report entity, headers included, is the signed first part.
  const std::vector<FieldSpec> report_header{{"Content-Type", report_type.to_string()}};
  auto report = mime::build_entity(report_header, report_body->body, std::nullopt, mime::Folding::never);
  if (!report) return fail(report.error());
  auto signature = cms::sign_detached(*report, options.signing->signer, options.signing->options);
  if (!signature) return fail(signature.error().with_context("signing the MDN"));
  const std::vector<FieldSpec> signature_header{
      {"Content-Type", "application/pkcs7-signature; name=smime.p7s; smime-type=signed-data"},
      {"Content-Disposition", "attachment; filename=smime.p7s"}};
  auto signature_part = mime::build_entity(signature_header, *signature, mime::TransferEncoding::base64,
                                           mime::Folding::never);
  if (!signature_part) return fail(signature_part.error());
  const std::string_view signed_parts[] = {*report, *signature_part};
  auto outer = mime::build_multipart_body(signed_parts);
  if (!outer) return fail(outer.error());
  mime::ContentType signed_type{"multipart", "signed", {}};
  signed_type.parameters.set("protocol", "application/pkcs7-signature");
  signed_type.parameters.set("micalg", std::string(micalg_name(options.signing->options.digest, options.spelling)));
  signed_type.parameters.set("boundary", outer->boundary);
  mdn.mime_headers.emplace_back("Content-Type", signed_type.to_string());
  mdn.body = std::move(outer->body);
  return mdn;
}

}  // namespace payload::mdn
