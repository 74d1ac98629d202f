// payload::mime Entity: one MIME entity (RFC 2045 2.4) with its exact bytes.
//
// Signatures and MICs are computed over entities as they were received (RFC 1847,
// RFC 8551 3.1.3: never re-serialise a signed part). So an Entity does not rebuild
// anything: raw(), header_bytes() and body() are views into the bytes it was parsed from,
// which it keeps alive through a shared buffer; the parts of a multipart share the
// buffer of their parent instead of copying it. The buffer is a std::string or any bytes
// kept alive by an owner, such as a read-only file mapping (io::MappedFile), so a large
// entity is parsed without being read into memory; the parse itself is not streamed.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <payload/core/error.h>
#include <payload/mime/content_type.h>
#include <payload/mime/header.h>
#include <payload/mime/transfer_encoding.h>

namespace payload::mime {

class Entity final {
public:
  // Parses `bytes` (taken over, not copied) as a top-level entity: header fields, a
  // blank line (CRLF or bare LF), then the body. An input that ends inside the header
  // block is an entity without a body. Errors: those of parse_header_block (bad_data).
  [[nodiscard]] static Result<Entity> parse(std::string bytes);
  // Parses bytes [offset, offset + size) of `buffer` as an entity at nesting `depth`
  // (0 at the top; split_multipart gives parts their parent's depth + 1).
  [[nodiscard]] static Result<Entity> parse(std::shared_ptr<const std::string> buffer, std::size_t offset,
                                            std::size_t size, unsigned depth = 0);
  // The same over bytes that `owner` keeps alive (a file mapping): `buffer` must stay
  // valid as long as `owner` lives.
  [[nodiscard]] static Result<Entity> parse(std::shared_ptr<const void> owner, std::string_view buffer,
                                            std::size_t offset, std::size_t size, unsigned depth = 0);

  // The whole entity: header fields, blank line, body, byte for byte.
  [[nodiscard]] std::string_view raw() const noexcept;
  // The header fields with their line ends, without the blank line.
  [[nodiscard]] std::string_view header_bytes() const noexcept;
  // Everything after the blank line, still transfer-encoded.
  [[nodiscard]] std::string_view body() const noexcept;
  [[nodiscard]] const Headers& headers() const noexcept { return m_headers; }
  [[nodiscard]] unsigned depth() const noexcept { return m_depth; }

  // Where raw() and body() start in buffer(), for callers that stream or report offsets.
  [[nodiscard]] std::size_t offset() const noexcept { return m_offset; }
  [[nodiscard]] std::size_t body_offset() const noexcept { return m_offset + m_body_begin; }
  // What keeps the bytes alive (the std::string, or the owner given to parse), and all the bytes.
  [[nodiscard]] const std::shared_ptr<const void>& buffer() const noexcept { return m_owner; }
  [[nodiscard]] std::string_view buffer_bytes() const noexcept { return m_buffer; }

  // The parsed Content-Type; RFC 2045 5.2 default (text/plain; charset=us-ascii) when
  // there is none. Errors: a present but malformed value (bad_data).
  [[nodiscard]] Result<ContentType> content_type() const;
  // The Content-Transfer-Encoding; 7bit when absent (RFC 2045 6.1), which decodes like
  // binary. Errors: an unknown encoding (unsupported).
  [[nodiscard]] Result<TransferEncoding> transfer_encoding() const;
  // body() with the transfer encoding undone. Errors: those of transfer_encoding() and of
  // the decoders (bad_data).
  [[nodiscard]] Result<std::string> decoded_body() const;

private:
  Entity() = default;

  std::shared_ptr<const void> m_owner;
  std::string_view m_buffer;       // all the bytes m_owner keeps alive
  std::size_t m_offset = 0;        // of raw() in the buffer
  std::size_t m_size = 0;          // of raw()
  std::size_t m_fields_size = 0;   // of header_bytes(), from m_offset
  std::size_t m_body_begin = 0;    // of body(), from m_offset
  unsigned m_depth = 0;
  Headers m_headers;
};

// Same as Entity::parse(std::move(bytes)).
[[nodiscard]] inline Result<Entity> parse_entity(std::string bytes) { return Entity::parse(std::move(bytes)); }

}  // namespace payload::mime
