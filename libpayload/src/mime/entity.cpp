// payload::mime Entity: parsing the header block and the lazy views of its parts.
#include <payload/mime/entity.h>

#include <cassert>

namespace payload::mime {

Result<Entity> Entity::parse(std::string bytes) {
  auto buffer = std::make_shared<const std::string>(std::move(bytes));
  const std::size_t size = buffer->size();
  return parse(std::move(buffer), 0, size, 0);
}

Result<Entity> Entity::parse(std::shared_ptr<const std::string> buffer, std::size_t offset, std::size_t size,
                             unsigned depth) {
  assert(buffer != nullptr);
  const std::string_view bytes(*buffer);
  return parse(std::shared_ptr<const void>(std::move(buffer)), bytes, offset, size, depth);
}

Result<Entity> Entity::parse(std::shared_ptr<const void> owner, std::string_view buffer, std::size_t offset,
                             std::size_t size, unsigned depth) {
  assert(owner != nullptr && offset <= buffer.size() && size <= buffer.size() - offset);
  const std::string_view raw = buffer.substr(offset, size);
  auto block = parse_header_block(raw);
  if (!block) return tl::unexpected(block.error());
  Entity entity;
  entity.m_owner = std::move(owner);
  entity.m_buffer = buffer;
  entity.m_offset = offset;
  entity.m_size = size;
  entity.m_fields_size = block->fields_size;
  entity.m_body_begin = block->size;
  entity.m_depth = depth;
  entity.m_headers = std::move(block->headers);
  return entity;
}

std::string_view Entity::raw() const noexcept { return m_buffer.substr(m_offset, m_size); }

std::string_view Entity::header_bytes() const noexcept { return raw().substr(0, m_fields_size); }

std::string_view Entity::body() const noexcept { return raw().substr(m_body_begin); }

Result<ContentType> Entity::content_type() const {
  const auto value = m_headers.value("Content-Type");
  if (!value) return default_content_type();
  return parse_content_type(*value);
}

Result<TransferEncoding> Entity::transfer_encoding() const {
  const auto value = m_headers.value("Content-Transfer-Encoding");
  if (!value) return TransferEncoding::seven_bit;
  return parse_transfer_encoding(*value);
}

Result<std::string> Entity::decoded_body() const {
  auto encoding = transfer_encoding();
  if (!encoding) return tl::unexpected(encoding.error());
  return decode_transfer_encoding(body(), *encoding);
}

}  // namespace payload::mime
