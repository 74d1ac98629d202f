// Fuzz target: MIME entities (header blocks, Content-Type and its parameters, transfer
// encodings) and multipart bodies, parts split recursively as unpack and parse_mdn do.
#include <cstddef>
#include <cstdint>
#include <string>

#include <payload/mime/entity.h>
#include <payload/mime/multipart.h>

namespace {

void walk(const payload::mime::Entity& entity) {
  (void)entity.decoded_body();
  auto type = entity.content_type();
  if (!type || !type->is_multipart()) return;
  auto parts = payload::mime::split_multipart(entity);
  if (!parts) return;
  for (const auto& part : *parts) walk(part);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto entity = payload::mime::Entity::parse(std::string(reinterpret_cast<const char*>(data), size));
  if (entity) walk(*entity);
  return 0;
}
