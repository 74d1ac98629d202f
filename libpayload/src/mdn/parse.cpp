// payload::mdn parsing: unwrap multipart/signed, verify, find the notification, read it.
#include <payload/mdn/parse.h>

#include <payload/cms/verify.h>
#include <payload/mime/content_type.h>
#include <payload/mime/entity.h>
#include <payload/mime/http.h>
#include <payload/mime/multipart.h>

#include "text.h"

namespace payload::mdn {

namespace {

std::optional<std::string> http_header(std::span<const std::pair<std::string, std::string>> headers,
                                       std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (detail::iequals(key, name)) return std::string(detail::trim(value));
  }
  return std::nullopt;
}

bool is_signature_type(const mime::ContentType& type) noexcept {
  return type.is("application/pkcs7-signature") || type.is("application/x-pkcs7-signature");
}

// What the report is made of: the notification part and the human-readable part.
struct Found {
  std::optional<mime::Entity> notification;
  std::optional<mime::Entity> text;
};

// Looks through `entity` for the first message/disposition-notification and the first
// text/* part. Multiparts are searched depth first (multipart/report normally; partners
// also nest it in multipart/mixed or related); mime::split_multipart bounds the depth.
Status locate(const mime::Entity& entity, Found& found) {
  auto type = entity.content_type();
  if (!type) return fail(type.error());
  if (type->is("message/disposition-notification")) {
    if (!found.notification) found.notification = entity;
    return {};
  }
  if (type->type == "text") {
    if (!found.text) found.text = entity;
    return {};
  }
  if (!type->is_multipart()) return {};
  auto parts = mime::split_multipart(entity);
  if (!parts) return fail(parts.error());
  for (const mime::Entity& part : *parts) {
    if (auto status = locate(part, found); !status) return status;
    if (found.notification && found.text) break;
  }
  return {};
}

// A line of only spaces and tabs, with its line end; returns its length or 0.
std::size_t blank_line(std::string_view text, std::size_t pos) noexcept {
  std::size_t end = pos;
  while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
  if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') return end + 2 - pos;
  if (end < text.size() && text[end] == '\n') return end + 1 - pos;
  if (end == text.size() && end > pos) return end - pos;
  return 0;
}

// The notification fields. RFC 8098 has one block; partners modelled on DSNs (RFC 3464)
// separate per-message and per-recipient fields with a blank line, so every block counts.
Result<mime::Headers> notification_fields(std::string_view text) {
  mime::Headers fields;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (const std::size_t blank = blank_line(text, pos); blank != 0) {
      pos += blank;
      continue;
    }
    auto block = mime::parse_header_block(text.substr(pos));
    if (!block) return fail(block.error().with_context("message/disposition-notification"));
    if (block->size == 0) break;
    for (const mime::HeaderField& field : block->headers) fields.add(field);
    pos += block->size;
  }
  return fields;
}

Status read_notification(const mime::Headers& fields, MdnReport& report) {
  report.fields = fields;
  if (const auto ua = fields.value("Reporting-UA")) report.reporting_ua = std::string(*ua);
  if (const auto value = fields.value("Original-Recipient")) {
    auto recipient = parse_recipient(*value);
    if (!recipient) return fail(recipient.error().with_context("Original-Recipient"));
    report.original_recipient = std::move(*recipient);
  }
  if (const auto value = fields.value("Final-Recipient")) {
    auto recipient = parse_recipient(*value);
    if (!recipient) return fail(recipient.error().with_context("Final-Recipient"));
    report.final_recipient = std::move(*recipient);
  }
  const auto original_id = fields.value("Original-Message-ID");
  if (!original_id) return fail(Errc::bad_data, "MDN has no Original-Message-ID field (i05 8.4.4: REQUIRED)");
  report.original_message_id = std::string(*original_id);
  const auto disposition_value = fields.value("Disposition");
  if (!disposition_value) return fail(Errc::bad_data, "MDN has no Disposition field");
  auto disposition = parse_disposition(*disposition_value);
  if (!disposition) return fail(disposition.error());
  merge_historic_fields(*disposition, fields);
  report.disposition = std::move(*disposition);
  if (const auto mic = fields.value("Received-Content-MIC")) {
    auto parsed = parse_mic(*mic);
    if (!parsed) return fail(parsed.error());
    report.mic = std::move(*parsed);
  }
  return {};
}

}  // namespace

Result<MdnReport> parse_mdn(std::span<const std::pair<std::string, std::string>> http_headers, std::string body,
                            const std::vector<cms::Certificate>& partner_certificates,
                            const MdnParseOptions& options) {
  MdnReport report;
  report.message_id = http_header(http_headers, "Message-ID");
  report.as2_from = http_header(http_headers, "AS2-From");
  report.as2_to = http_header(http_headers, "AS2-To");
  report.as2_version = http_header(http_headers, "AS2-Version");
  // django-pyas2 #48: an "MDN" in HTTP headers only is not one.
  if (body.empty()) return fail(Errc::bad_data, "MDN has no body");

  auto entity = mime::entity_from_http(http_headers, std::move(body));
  if (!entity) return fail(entity.error().with_context("MDN"));
  auto type = entity->content_type();
  if (!type) return fail(type.error().with_context("MDN"));

  mime::Entity content = *entity;
  if (type->is("multipart/signed")) {
    auto parts = mime::split_multipart(*entity);
    if (!parts) return fail(parts.error().with_context("signed MDN"));
    if (parts->size() < 2) return fail(Errc::bad_data, "signed MDN has no signature part");
    if (const auto micalg = type->parameter("micalg")) report.micalg = std::string(*micalg);
    const mime::Entity& signature_part = (*parts)[1];
    auto signature_type = signature_part.content_type();
    auto der = signature_part.decoded_body();
    if (!signature_type || !is_signature_type(*signature_type)) {
      report.signature_error = Error(Errc::bad_data, "the second part of the signed MDN is not application/pkcs7-signature");
    } else if (!der) {
      report.signature_error = der.error().with_context("MDN signature");
    } else {
      // RFC 1847, 4130 7.3.1: the first part exactly as received, MIME headers included.
      auto verified = cms::verify_detached((*parts)[0].raw(), *der, partner_certificates, options.verify);
      if (verified) {
        report.signer = std::move(*verified);
      } else {
        report.signature_error = verified.error().with_context("MDN signature");
      }
    }
    report.signature = report.signature_error ? SignatureStatus::invalid : SignatureStatus::verified;
    content = (*parts)[0];
  } else if (!type->is("multipart/report") && !type->is("message/disposition-notification") &&
             !type->is_multipart()) {
    // phpas2 #30: an HTML error page is not an MDN.
    return fail(Errc::bad_data, "MDN has Content-Type " + detail::excerpt(type->media_type()) +
                                    ", not multipart/report or multipart/signed");
  }

  Found found;
  if (auto status = locate(content, found); !status) return fail(status.error().with_context("MDN"));
  if (!found.notification) return fail(Errc::bad_data, "MDN has no message/disposition-notification part");
  if (found.text) {
    auto text = found.text->decoded_body();
    report.explanation = text ? std::move(*text) : std::string(found.text->body());
  }
  auto decoded = found.notification->decoded_body();
  if (!decoded) return fail(decoded.error().with_context("message/disposition-notification"));
  auto fields = notification_fields(*decoded);
  if (!fields) return fail(fields.error());
  if (auto status = read_notification(*fields, report); !status) return fail(status.error().with_context("MDN"));
  return report;
}

}  // namespace payload::mdn
