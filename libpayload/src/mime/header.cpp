// payload::mime header fields: lookup and the header block parser.
#include <payload/mime/header.h>

#include <string>

#include <payload/mime/limits.h>

#include "ascii.h"

namespace payload::mime {

using detail::iequals;
using detail::is_field_name_char;
using detail::is_wsp;

const HeaderField* Headers::find(std::string_view name) const noexcept {
  for (const HeaderField& field : m_fields) {
    if (iequals(field.name, name)) return &field;
  }
  return nullptr;
}

std::optional<std::string_view> Headers::value(std::string_view name) const noexcept {
  const HeaderField* field = find(name);
  if (field == nullptr) return std::nullopt;
  return std::string_view(field->value);
}

std::vector<const HeaderField*> Headers::find_all(std::string_view name) const {
  std::vector<const HeaderField*> found;
  for (const HeaderField& field : m_fields) {
    if (iequals(field.name, name)) found.push_back(&field);
  }
  return found;
}

std::string unfold(std::string_view raw_value) {
  std::string out;
  out.reserve(raw_value.size());
  for (std::size_t i = 0; i < raw_value.size(); ++i) {
    const char c = raw_value[i];
    // A break is CRLF or bare LF; it disappears only when WSP follows (a fold). Any
    // other CR or LF is kept: it is not ours to repair.
    if (c == '\r' && i + 2 < raw_value.size() && raw_value[i + 1] == '\n' && is_wsp(raw_value[i + 2])) {
      ++i;
      continue;
    }
    if (c == '\n' && i + 1 < raw_value.size() && is_wsp(raw_value[i + 1])) continue;
    out += c;
  }
  return std::string(detail::trim_wsp(out));
}

namespace {

// One physical line: [begin, content_end) is its text, next is where the following line starts.
struct Line {
  std::size_t begin = 0;
  std::size_t content_end = 0;
  std::size_t next = 0;
  bool has_end = false;  // ended by LF (else by the end of the input)
};

Line next_line(std::string_view bytes, std::size_t begin) {
  Line line;
  line.begin = begin;
  const std::size_t lf = bytes.find('\n', begin);
  if (lf == std::string_view::npos) {
    line.content_end = bytes.size();
    line.next = bytes.size();
    return line;
  }
  line.has_end = true;
  line.next = lf + 1;
  line.content_end = (lf > begin && bytes[lf - 1] == '\r') ? lf - 1 : lf;
  return line;
}

}  // namespace

Result<HeaderBlock> parse_header_block(std::string_view input) {
  // Never look further than the limit allows: a partner's 1 GB body without a blank line
  // must not be scanned for line ends. Two more bytes leave room for the blank line.
  const std::string_view bytes = input.substr(0, max_header_block_bytes + 2);
  const auto too_long = [] {
    return fail(Errc::bad_data, "header block exceeds " + std::to_string(max_header_block_bytes) + " bytes");
  };

  HeaderBlock block;
  // The field being collected: its name, and where its value starts and ends.
  bool open = false;
  std::string name;
  std::size_t value_begin = 0;
  std::size_t value_end = 0;

  auto close_field = [&]() -> Status {
    if (!open) return {};
    if (block.headers.size() >= max_header_fields) {
      return fail(Errc::bad_data, "header block has more than " + std::to_string(max_header_fields) + " fields");
    }
    HeaderField field;
    field.name = std::move(name);
    field.raw_value = std::string(bytes.substr(value_begin, value_end - value_begin));
    field.value = unfold(field.raw_value);
    block.headers.add(std::move(field));
    open = false;
    return {};
  };

  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const Line line = next_line(bytes, pos);
    // A line cut by the window is a line past the limit.
    if (!line.has_end && input.size() > bytes.size()) return too_long();
    const std::string_view text = bytes.substr(line.begin, line.content_end - line.begin);
    if (text.empty() && line.has_end) {
      // RFC 5322 2.1: an empty line separates the header fields from the body.
      if (auto status = close_field(); !status) return tl::unexpected(status.error());
      if (pos > max_header_block_bytes) return too_long();
      block.fields_size = pos;
      block.size = line.next;
      block.terminated = true;
      return block;
    }
    if (is_wsp(text.front())) {
      if (!open) return fail(Errc::bad_data, "header block starts with a folded continuation line");
      value_end = line.content_end;
    } else {
      if (auto status = close_field(); !status) return tl::unexpected(status.error());
      const std::size_t colon = text.find(':');
      if (colon == std::string_view::npos) {
        return fail(Errc::bad_data, "a line without a colon follows " + std::to_string(block.headers.size()) +
                                        " header fields: not a header field");
      }
      // RFC 5322 4.5.3: obsolete syntax allows WSP between the name and the colon.
      const std::string_view field_name = detail::trim_wsp(text.substr(0, colon));
      if (field_name.empty()) return fail(Errc::bad_data, "header field with an empty name");
      for (const char c : field_name) {
        if (!is_field_name_char(c)) {
          return fail(Errc::bad_data, "header field name contains " + detail::describe_byte(c));
        }
      }
      open = true;
      name = std::string(field_name);
      value_begin = line.begin + colon + 1;
      value_end = line.content_end;
    }
    pos = line.next;
  }
  // The input ended inside the header block: fields only, no body (RFC 5322 3.5 makes the
  // body optional). Unless the window cut it short: then the block is too long.
  if (input.size() > bytes.size() || pos > max_header_block_bytes) return too_long();
  if (auto status = close_field(); !status) return tl::unexpected(status.error());
  block.fields_size = bytes.size();
  block.size = bytes.size();
  block.terminated = false;
  return block;
}

}  // namespace payload::mime
