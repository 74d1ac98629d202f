// payload::as2 HTTP message and its wire form.
#include <payload/as2/http_message.h>

#include <payload/mime/header.h>

namespace payload::as2 {

std::string HttpMessage::wire() const {
  std::size_t size = body.size() + 2;
  for (const auto& [name, value] : headers) size += name.size() + value.size() + 4;
  std::string out;
  out.reserve(size);
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  out += body;
  return out;
}

Result<HttpMessage> parse_http_message(std::string wire) {
  auto block = mime::parse_header_block(wire);
  if (!block) return fail(block.error().with_context("HTTP header"));
  if (!block->terminated) return fail(Errc::bad_data, "HTTP header: no empty line ends the header block");
  HttpMessage message;
  for (const mime::HeaderField& field : block->headers) message.headers.emplace_back(field.name, field.value);
  wire.erase(0, block->size);
  message.body = std::move(wire);
  return message;
}

}  // namespace payload::as2
