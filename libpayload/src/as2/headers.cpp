// payload::as2 AS2 request header fields (RFC 4130 6, i05 6).
#include <payload/as2/headers.h>

#include <payload/as2/as2_name.h>
#include <payload/as2/date.h>
#include <payload/as2/header_value.h>
#include <payload/as2/message_id.h>
#include <payload/mdn/recipient.h>

namespace payload::as2 {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> find_field(std::span<const std::pair<std::string, std::string>> fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

Result<std::vector<mime::FieldSpec>> as2_header_fields(const OutgoingHeaders& headers, std::string& message_id) {
  if (headers.version == As2Version::v1_2)
    return fail(Errc::usage, "AS2-Version 1.2 declares RFC 6017 EDIINT-Features, none of which this library implements; "
                             "use 1.1 or 1.3");
  auto from = mdn::quote_as2_name(headers.from);
  if (!from) return fail(from.error().with_context("AS2-From"));
  auto to = mdn::quote_as2_name(headers.to);
  if (!to) return fail(to.error().with_context("AS2-To"));

  std::string id = headers.message_id;
  if (id.empty()) {
    auto generated = generate_message_id(headers.message_id_host);
    if (!generated) return fail(generated.error());
    id = std::move(*generated);
  } else if (auto ok = check_message_id(id); !ok) {
    return fail(Errc::usage, "Message-ID: " + ok.error().message());
  }
  if (auto ok = check_header_value("Subject", headers.subject); !ok) return fail(ok.error());

  std::vector<mime::FieldSpec> fields;
  fields.emplace_back("AS2-Version", std::string(version_name(headers.version)));
  // i05 6.2: MUST accompany a 1.3 declaration.
  if (headers.version == As2Version::v1_3) fields.emplace_back("AS2-Product", std::string(as2_product));
  fields.emplace_back("AS2-From", std::move(*from));
  fields.emplace_back("AS2-To", std::move(*to));
  fields.emplace_back("Message-ID", id);
  fields.emplace_back("Date", format_date(headers.date.value_or(std::chrono::system_clock::now())));
  fields.emplace_back("Subject", headers.subject);
  message_id = std::move(id);
  return fields;
}

}  // namespace payload::as2
