// payload::mime builder: writes header fields (folded or not) and whole entities with a
// Content-Transfer-Encoding applied to the body.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <payload/core/error.h>
#include <payload/mime/transfer_encoding.h>

namespace payload::mime {

// A header field to write: name and unfolded value.
using FieldSpec = std::pair<std::string, std::string>;

enum class Folding {
  // RFC 5322 2.2.3: break lines longer than 76 characters before a whitespace, preferring
  // whitespace outside quoted-strings; a value without whitespace stays on one line.
  fold,
  // One line per field. AS2-From and AS2-To MUST NOT be folded (RFC 4130 6.2), proxies
  // reject folded HTTP headers, and older AS2 products cannot unfold (as2-field-notes §1.5).
  never,
};

// Writes "Name: value" CRLF. Errors (Errc::usage): a name that is not RFC 5322 ftext, a
// value containing CR or LF (header injection), or a line that stays longer than 998
// characters (RFC 5322 2.1.1).
[[nodiscard]] Result<std::string> format_field(std::string_view name, std::string_view value,
                                               Folding folding = Folding::fold);

// Writes an entity: the fields in order, then, when `encoding` is given, a
// "Content-Transfer-Encoding" field; a blank line; the body encoded accordingly (base64 in
// 76-character lines, each ending in CRLF). 7bit, 8bit and binary copy the body unchanged;
// 7bit refuses bytes above 127 or NUL, 8bit refuses NUL (RFC 2045 2.7, 2.8). Without an
// encoding the body is copied unchanged and no CTE field is written (what many AS2
// partners expect, as2-specs T4). Nothing is canonicalised: callers that sign text apply
// canonicalize() first. Errors: those of format_field; a Content-Transfer-Encoding among
// the fields while `encoding` is given, or a body the encoding forbids (Errc::usage);
// quoted-printable, which is decode-only here (Errc::unsupported).
[[nodiscard]] Result<std::string> build_entity(std::span<const FieldSpec> fields, std::string_view body,
                                               std::optional<TransferEncoding> encoding,
                                               Folding folding = Folding::fold);

}  // namespace payload::mime
