// payload::as2 MDN request headers, sender side (RFC 4130 7.3, i05 8.3).
#include <payload/as2/mdn_request.h>

#include <payload/as2/header_value.h>
#include <payload/mdn/notification_options.h>

namespace payload::as2 {

Result<std::vector<mime::FieldSpec>> mdn_request_fields(const MdnRequest& request) {
  std::vector<mime::FieldSpec> fields;
  if (request.notification_to.empty()) return fail(Errc::usage, "Disposition-Notification-To must not be empty");
  if (auto ok = check_header_value("Disposition-Notification-To", request.notification_to); !ok) return fail(ok.error());
  fields.emplace_back("Disposition-Notification-To", request.notification_to);

  if (!request.signed_receipt_micalgs.empty()) {
    for (const cms::DigestAlg digest : request.signed_receipt_micalgs) {
      if (cms::is_legacy(digest))
        return fail(Errc::usage, "MD5 and SHA-1 MICs are accepted from legacy partners but never requested (i05 2.4.2)");
    }
    // Both parameters are needed for a signed receipt (RFC 4130 7.3); "optional" lets a
    // partner that lacks one still answer (i05 8.3 RECOMMENDED).
    auto options = mdn::format_notification_options(request.signed_receipt_micalgs, request.spelling);
    if (!options) return fail(options.error());
    fields.emplace_back("Disposition-Notification-Options", std::move(*options));
  }

  if (!request.async_url.empty()) {
    const std::string& url = request.async_url;
    if (auto ok = check_header_value("Receipt-Delivery-Option", url); !ok) return fail(ok.error());
    const auto scheme_end = url.find("://");
    bool scheme_ok = scheme_end != std::string::npos && scheme_end > 0 && scheme_end + 3 < url.size();
    for (std::size_t i = 0; scheme_ok && i < scheme_end; ++i) {
      const char c = url[i];
      scheme_ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    }
    if (!scheme_ok || url.find_first_of(" \t") != std::string::npos)
      return fail(Errc::usage, "Receipt-Delivery-Option must be a URL \"scheme://...\" without spaces (RFC 4130 7.3)");
    fields.emplace_back("Receipt-Delivery-Option", url);
  }
  return fields;
}

}  // namespace payload::as2
