// payload::mime quoted-printable (RFC 2045 6.7), decode only: AS2 forbids nothing, but a
// partner that sends text this way must still be read. We never produce it (Drummond
// 3Q11 #9: quoted-printable altered payloads), so there is no encoder.
#pragma once

#include <string>
#include <string_view>

#include <payload/core/error.h>

namespace payload::mime {

// Decodes quoted-printable text: `=XX` escapes (lowercase hex accepted, as RFC 2045 6.7
// (1) suggests for robustness), soft line breaks `=` CRLF or `=` LF, and whitespace at the
// end of a line removed (rule 3: a transport may have added it). Hard line breaks are
// kept as they are (CRLF stays CRLF, a bare LF stays LF). A '=' followed by anything else
// is Errc::bad_data.
[[nodiscard]] Result<std::string> quoted_printable_decode(std::string_view text);

}  // namespace payload::mime
