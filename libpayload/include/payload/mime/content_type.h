// payload::mime Content-Type: the media type of an entity (RFC 2045 5, RFC 2046).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <payload/core/error.h>
#include <payload/mime/params.h>

namespace payload::mime {

struct ContentType {
  std::string type;     // lowercased: "multipart"
  std::string subtype;  // lowercased: "signed"
  Parameters parameters;

  // "type/subtype", lowercased.
  [[nodiscard]] std::string media_type() const { return type + '/' + subtype; }
  // Case-insensitive comparison with "type/subtype".
  [[nodiscard]] bool is(std::string_view media_type) const noexcept;
  [[nodiscard]] bool is_multipart() const noexcept { return type == "multipart"; }
  // The value of a parameter ("boundary", "micalg", "smime-type"), name case-insensitive.
  [[nodiscard]] std::optional<std::string_view> parameter(std::string_view name) const noexcept {
    return parameters.get(name);
  }
  // Writes "type/subtype; name=value; ..." with values quoted as needed.
  [[nodiscard]] std::string to_string() const;
};

// Parses an unfolded Content-Type value. Whitespace and comments around the tokens are
// allowed (RFC 2045 5.1 follows RFC 822 lexical rules); parameters as parse_parameters.
// Errors (Errc::bad_data): a missing or invalid type or subtype, bad parameters.
[[nodiscard]] Result<ContentType> parse_content_type(std::string_view value);

// RFC 2045 5.2: what an entity without a Content-Type is: text/plain; charset=us-ascii.
[[nodiscard]] ContentType default_content_type();

}  // namespace payload::mime
