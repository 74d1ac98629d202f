// payload::mime Content-Disposition parsing and writing.
#include <payload/mime/content_disposition.h>

#include "ascii.h"
#include "lexer.h"

namespace payload::mime {

std::string ContentDisposition::to_string() const {
  std::string out = type;
  for (const Parameter& parameter : parameters.items()) {
    out += "; ";
    out += format_parameter(parameter.name, parameter.value);
  }
  return out;
}

Result<ContentDisposition> parse_content_disposition(std::string_view value) {
  detail::Lexer lexer(value);
  if (auto status = lexer.skip_cfws(); !status) return tl::unexpected(status.error());
  const std::string_view type = lexer.token();
  if (type.empty()) return fail(Errc::bad_data, "Content-Disposition '" + std::string(value) + "' has no type");
  auto parameters = parse_parameters(value.substr(lexer.position()));
  if (!parameters) return tl::unexpected(parameters.error().with_context("Content-Disposition"));
  return ContentDisposition{detail::lowercase(type), std::move(*parameters)};
}

}  // namespace payload::mime
