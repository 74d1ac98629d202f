// payload::mime multipart bodies (RFC 2046 5.1): splitting one into its parts, with each
// part's exact bytes, and building one from parts.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>
#include <payload/mime/entity.h>

namespace payload::mime {

// Splits the body of a multipart entity at its boundary (RFC 2046 5.1.1):
// - a delimiter is "--boundary" at the start of a line, followed by optional whitespace
//   and a line end; the close delimiter is "--boundary--";
// - the line end before a delimiter belongs to the delimiter, not to the part (so a
//   part's bytes end before that CRLF, as a signature over the part expects);
// - lines may end in CRLF or, as real partners send, a bare LF;
// - the preamble and the epilogue are ignored; "--boundary-" with one dash short is taken
//   as the close delimiter (draft rfc4130bis-05 A.4 shows one, as2-specs §6).
// Each part is parsed as an Entity over the same buffer, one level deeper.
// `scanned`, when given, is told of each stretch of the body (8 MiB windows) that the
// boundary search has read and left behind: a caller over a file mapping gives those
// pages back, so the search does not leave the whole body resident (the bytes stay
// readable; the search itself may still read a few bytes of them again).
// Errors (Errc::bad_data): not a multipart type, no boundary parameter, the boundary never
// appears, no parts, no close delimiter, a part nested deeper than max_nesting_depth, a
// part whose header block is malformed.
using ScannedFn = std::function<void(std::string_view)>;
[[nodiscard]] Result<std::vector<Entity>> split_multipart(const Entity& multipart, const ScannedFn& scanned = {});

// RFC 2046 5.1.1 boundary syntax: 1 to 70 characters from bcharsnospace plus space, not
// ending in a space.
[[nodiscard]] bool is_valid_boundary(std::string_view boundary) noexcept;

// A fresh random boundary, "=_payload_" + 32 hex digits. The "=_" cannot occur in base64
// or quoted-printable text, so it cannot collide with encoded content.
[[nodiscard]] std::string generate_boundary();

// Writes a multipart body: for each part "--boundary" CRLF, the part's bytes, CRLF; then
// "--boundary--" CRLF. Parts are complete entities (headers, blank line, body) and are
// copied unchanged; split_multipart of the result gives them back byte for byte.
// Errors (Errc::usage): an invalid boundary, no parts, or a part that contains
// "--boundary" (it would end the part early).
[[nodiscard]] Result<std::string> build_multipart_body(std::span<const std::string_view> parts,
                                                       std::string_view boundary);

struct MultipartBody {
  std::string boundary;  // for the Content-Type boundary parameter
  std::string body;
};

// build_multipart_body with a generated boundary that no part contains.
[[nodiscard]] Result<MultipartBody> build_multipart_body(std::span<const std::string_view> parts);

}  // namespace payload::mime
