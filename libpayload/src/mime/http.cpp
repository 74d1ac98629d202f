// payload::mime from HTTP: re-creating the AS2 entity from HTTP headers and body.
#include <payload/mime/http.h>

#include <payload/mime/builder.h>
#include <payload/mime/limits.h>

#include "ascii.h"

namespace payload::mime {

bool is_mime_field(std::string_view name) noexcept {
  if (detail::iequals(name, "MIME-Version")) return true;
  return detail::istarts_with(name, "Content-") && !detail::iequals(name, "Content-Length");
}

Result<std::string> http_header_block(std::span<const std::pair<std::string, std::string>> headers) {
  std::string bytes;
  std::size_t fields = 0;
  for (const auto& [name, value] : headers) {
    if (!is_mime_field(name)) continue;
    if (++fields > max_header_fields) {
      return fail(Errc::bad_data, "HTTP message has more than " + std::to_string(max_header_fields) + " MIME header fields");
    }
    // Never refold: the values go into the entity as the partner sent them.
    auto line = format_field(name, value, Folding::never);
    if (!line) return fail(Errc::bad_data, "HTTP header: " + line.error().message());
    bytes += *line;
    if (bytes.size() > max_header_block_bytes) {
      return fail(Errc::bad_data, "HTTP MIME header fields exceed " + std::to_string(max_header_block_bytes) + " bytes");
    }
  }
  bytes += "\r\n";
  return bytes;
}

Result<Entity> entity_from_http(std::span<const std::pair<std::string, std::string>> headers, std::string body) {
  auto bytes = http_header_block(headers);
  if (!bytes) return tl::unexpected(bytes.error());
  // The header block goes in front of the body in the body's own buffer: a large payload
  // is not copied again when it has room, and the entity owns it afterwards.
  body.insert(0, *bytes);
  return Entity::parse(std::move(body));
}

}  // namespace payload::mime
