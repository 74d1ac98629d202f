// payload::mime from HTTP: the MIME entity an AS2 request or response carries.
//
// RFC 4130 5.2 (i05 5.2): AS2 sends the outermost MIME entity over HTTP, its MIME header
// fields (Content-Type, ...) travelling as HTTP headers and its body as the HTTP body. A
// receiver re-creates that entity to find the signed bytes: for multipart/signed they are
// the first part inside the HTTP body, exactly as sent (RFC 4130 7.3.1 first bullet).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <payload/core/error.h>
#include <payload/mime/entity.h>

namespace payload::mime {

// True for the fields that belong to the MIME entity rather than to HTTP: MIME-Version
// and Content-* (RFC 2045 3, 9), except Content-Length, which frames the HTTP message.
[[nodiscard]] bool is_mime_field(std::string_view name) noexcept;

// Builds the entity from HTTP header (name, value) pairs, as an HTTP server hands them
// over (unfolded), and the HTTP body after any chunked framing was removed. Only the MIME
// fields are kept, in their order, each written "Name: value" CRLF; then CRLF and the
// body, taken over unchanged, so entity.body() is `body` byte for byte. HTTP
// Content-Encoding (gzip) is not undone here. Errors (Errc::bad_data): a name or value
// that cannot be a header field (line breaks, empty name), too many or too long fields
// (the parse_header_block limits).
// The header block entity_from_http puts in front of the body: the MIME fields, each
// "Name: value" CRLF, then the empty line. For callers that put the body behind it
// themselves (a file too large for memory). Errors: those of entity_from_http.
[[nodiscard]] Result<std::string> http_header_block(std::span<const std::pair<std::string, std::string>> headers);

[[nodiscard]] Result<Entity> entity_from_http(std::span<const std::pair<std::string, std::string>> headers,
                                              std::string body);

}  // namespace payload::mime
