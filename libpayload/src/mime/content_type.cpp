// payload::mime Content-Type parsing and writing.
#include <payload/mime/content_type.h>

#include "ascii.h"
#include "lexer.h"

namespace payload::mime {

bool ContentType::is(std::string_view media_type) const noexcept {
  const std::size_t slash = media_type.find('/');
  if (slash == std::string_view::npos) return false;
  return detail::iequals(type, media_type.substr(0, slash)) && detail::iequals(subtype, media_type.substr(slash + 1));
}

std::string ContentType::to_string() const {
  std::string out = media_type();
  for (const Parameter& parameter : parameters.items()) {
    out += "; ";
    out += format_parameter(parameter.name, parameter.value);
  }
  return out;
}

Result<ContentType> parse_content_type(std::string_view value) {
  detail::Lexer lexer(value);
  if (auto status = lexer.skip_cfws(); !status) return tl::unexpected(status.error());
  const std::string_view type = lexer.token();
  if (type.empty()) return fail(Errc::bad_data, "Content-Type '" + std::string(value) + "' has no media type");
  if (auto status = lexer.skip_cfws(); !status) return tl::unexpected(status.error());
  if (!lexer.accept('/')) return fail(Errc::bad_data, "Content-Type '" + std::string(value) + "' has no '/subtype'");
  if (auto status = lexer.skip_cfws(); !status) return tl::unexpected(status.error());
  const std::string_view subtype = lexer.token();
  if (subtype.empty()) return fail(Errc::bad_data, "Content-Type '" + std::string(value) + "' has an empty subtype");
  auto parameters = parse_parameters(value.substr(lexer.position()));
  if (!parameters) return tl::unexpected(parameters.error().with_context("Content-Type"));
  return ContentType{detail::lowercase(type), detail::lowercase(subtype), std::move(*parameters)};
}

ContentType default_content_type() {
  ContentType type{"text", "plain", {}};
  type.parameters.set("charset", "us-ascii");
  return type;
}

}  // namespace payload::mime
