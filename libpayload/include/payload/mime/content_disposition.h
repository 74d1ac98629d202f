// payload::mime Content-Disposition (RFC 2183): how AS2 partners name the payload file
// (`attachment; filename="invoice.x12"`, i05 A.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <payload/core/error.h>
#include <payload/mime/params.h>

namespace payload::mime {

struct ContentDisposition {
  std::string type;  // lowercased: "attachment", "inline"
  Parameters parameters;

  // The filename parameter, if any (RFC 2231 form decoded; no path sanitising here).
  [[nodiscard]] std::optional<std::string_view> filename() const noexcept { return parameters.get("filename"); }
  [[nodiscard]] std::string to_string() const;
};

// Errors (Errc::bad_data): a missing or invalid disposition type, bad parameters.
[[nodiscard]] Result<ContentDisposition> parse_content_disposition(std::string_view value);

}  // namespace payload::mime
