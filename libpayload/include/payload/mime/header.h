// payload::mime header fields: one field as received (name, raw value, unfolded value),
// the ordered list of an entity's fields, and the parser of a header block.
//
// Field names compare case-insensitively (RFC 5322 1.2.2, RFC 2045 5.1); AS2 partners do
// write "content-type" and "Received-content-MIC". The raw value is kept because a signed
// entity must be hashed exactly as it came; only lookups use the unfolded value.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <payload/core/error.h>

namespace payload::mime {

struct HeaderField {
  std::string name;       // as written, case preserved, without the colon
  std::string raw_value;  // every byte after the colon up to the field's last line end, folds included
  std::string value;      // raw_value unfolded (RFC 5322 2.2.3) with outer whitespace removed
};

// The header fields of one entity, in their order of appearance. Owns its strings.
class Headers final {
public:
  void add(HeaderField field) { m_fields.push_back(std::move(field)); }

  // The first field with this name (case-insensitive), or nullptr.
  [[nodiscard]] const HeaderField* find(std::string_view name) const noexcept;
  // The unfolded value of the first field with this name.
  [[nodiscard]] std::optional<std::string_view> value(std::string_view name) const noexcept;
  // Every field with this name, in order (e.g. several Received or Error fields).
  [[nodiscard]] std::vector<const HeaderField*> find_all(std::string_view name) const;

  [[nodiscard]] const std::vector<HeaderField>& fields() const noexcept { return m_fields; }
  [[nodiscard]] std::size_t size() const noexcept { return m_fields.size(); }
  [[nodiscard]] bool empty() const noexcept { return m_fields.empty(); }
  [[nodiscard]] auto begin() const noexcept { return m_fields.begin(); }
  [[nodiscard]] auto end() const noexcept { return m_fields.end(); }

private:
  std::vector<HeaderField> m_fields;
};

// A parsed header block and where it ends in the input.
struct HeaderBlock {
  Headers headers;
  std::size_t fields_size = 0;  // bytes of the fields, their line ends included
  std::size_t size = 0;         // fields_size plus the blank line, if there was one
  bool terminated = false;      // a blank line ended the block (false: the input ended)
};

// Parses header fields from the start of `bytes` up to the first empty line. Lines end in
// CRLF or, as some partners send, a bare LF. A line starting with WSP continues the
// previous field (RFC 5322 2.2.3). Whitespace before the colon is tolerated (RFC 5322
// 4.5.3 obsolete syntax). Errors (Errc::bad_data): a line that is not a field, a
// continuation before any field, more than max_header_fields fields, or fields longer
// than max_header_block_bytes. Reads at most that many bytes past the start.
[[nodiscard]] Result<HeaderBlock> parse_header_block(std::string_view bytes);

// RFC 5322 2.2.3 unfolding: removes each line break that is followed by WSP (keeping the
// WSP), then the leading and trailing whitespace. Accepts CRLF and bare LF breaks.
[[nodiscard]] std::string unfold(std::string_view raw_value);

}  // namespace payload::mime
