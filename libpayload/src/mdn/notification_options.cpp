// payload::mdn Disposition-Notification-Options: parsing, writing, algorithm selection.
#include <payload/mdn/notification_options.h>

#include <algorithm>

#include "text.h"

namespace payload::mdn {

namespace {

constexpr std::string_view kProtocol = "signed-receipt-protocol";
constexpr std::string_view kMicalg = "signed-receipt-micalg";
constexpr std::string_view kPkcs7Signature = "pkcs7-signature";

// Splits `text` at ',' and trims; empty pieces dropped.
void append_list(std::string_view text, std::vector<std::string>& out) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view piece = detail::trim(text.substr(start, comma - start));
    if (!piece.empty()) out.emplace_back(piece);
    start = comma + 1;
  }
}

}  // namespace

const NotificationOption* NotificationOptions::find(std::string_view attribute) const noexcept {
  for (const NotificationOption& option : options) {
    if (detail::iequals(option.attribute, attribute)) return &option;
  }
  return nullptr;
}

Result<NotificationOptions> parse_notification_options(std::string_view value) {
  auto parameters = detail::split_outside_quotes(value, ';');
  if (!parameters) return fail(parameters.error().with_context("Disposition-Notification-Options"));
  NotificationOptions result;
  for (const std::string_view raw : *parameters) {
    const std::string_view parameter = detail::trim(raw);
    if (parameter.empty()) continue;
    const std::size_t equals = parameter.find('=');
    if (equals == std::string_view::npos) {
      return fail(Errc::bad_data, "Disposition-Notification-Options parameter '" + detail::excerpt(parameter) +
                                      "' has no '='");
    }
    NotificationOption option;
    option.attribute = detail::lowercase(detail::trim(parameter.substr(0, equals)));
    if (option.attribute.empty() || option.attribute.front() == '"') {
      return fail(Errc::bad_data, "Disposition-Notification-Options parameter '" + detail::excerpt(parameter) +
                                      "' has no attribute name");
    }
    if (result.find(option.attribute)) {
      return fail(Errc::bad_data, "Disposition-Notification-Options gives '" + detail::excerpt(option.attribute) + "' twice");
    }
    auto items = detail::split_outside_quotes(parameter.substr(equals + 1), ',');
    if (!items) return fail(items.error().with_context("Disposition-Notification-Options"));
    bool first = true;
    for (const std::string_view item : *items) {
      auto unquoted = detail::unquote(item);
      if (!unquoted) return fail(unquoted.error().with_context("Disposition-Notification-Options"));
      const std::string_view text = detail::trim(*unquoted);
      if (first) {
        first = false;
        if (detail::iequals(text, "required")) {
          option.importance = Importance::required;
          continue;
        }
        if (detail::iequals(text, "optional")) {
          option.importance = Importance::optional;
          continue;
        }
        // No importance written: tolerated as optional, and this item is a value.
      }
      append_list(text, option.values);
    }
    result.options.push_back(std::move(option));
  }
  return result;
}

Result<std::string> format_notification_options(std::span<const cms::DigestAlg> micalgs, MicalgSpelling spelling,
                                                Importance importance) {
  if (micalgs.empty()) return fail(Errc::usage, "a signed-receipt request needs at least one micalg");
  const std::string importance_text = importance == Importance::required ? "required" : "optional";
  std::string out = std::string(kProtocol) + '=' + importance_text + ", " + std::string(kPkcs7Signature) + "; " +
                    std::string(kMicalg) + '=' + importance_text;
  for (const cms::DigestAlg alg : micalgs) {
    out += ", ";
    out += micalg_name(alg, spelling);
  }
  return out;
}

ReceiptSigning select_receipt_signing(const NotificationOptions* options, const ReceiptPolicy& policy) {
  ReceiptSigning decision;
  decision.mic_algorithm = policy.default_mic_algorithm;
  if (options == nullptr) return decision;  // i05 8.3.1 rule 3: no signature requested

  // RFC 8098 2.2: a required parameter the receiver does not understand allows no
  // disposition but failed.
  for (const NotificationOption& option : options->options) {
    if (option.importance == Importance::required && option.attribute != kProtocol && option.attribute != kMicalg) {
      decision.failure = failed_failure(reason::unsupported_format);
      return decision;
    }
  }
  const NotificationOption* protocol = options->find(kProtocol);
  const NotificationOption* micalg = options->find(kMicalg);
  if (protocol == nullptr || micalg == nullptr) return decision;  // 4130 7.3: both are needed

  const bool pkcs7 = std::any_of(protocol->values.begin(), protocol->values.end(),
                                 [](const std::string& v) { return detail::iequals(v, kPkcs7Signature); });
  if (!pkcs7) {
    if (protocol->importance == Importance::required) decision.failure = failed_failure(reason::unsupported_format);
    return decision;  // optional: an unsigned receipt
  }
  // i05 8.3: the first listed algorithm the receiver supports, never an unlisted one.
  for (const std::string& value : micalg->values) {
    if (detail::iequals(value, kPkcs7Signature)) continue;  // the protocol, not a digest (OpenAS2 #60)
    const auto alg = cms::parse_micalg(value);
    if (!alg) continue;  // unknown values MUST be ignored
    if (std::find(policy.supported_micalgs.begin(), policy.supported_micalgs.end(), *alg) ==
        policy.supported_micalgs.end()) {
      continue;
    }
    decision.sign = true;
    decision.mic_algorithm = *alg;
    return decision;
  }
  decision.failure = failed_failure(reason::unsupported_mic_algorithms);
  return decision;
}

}  // namespace payload::mdn
