// Fuzz target: a Content-Disposition value (RFC 2183, RFC 2231 parameters) and the
// filename rules a receiver applies before storing a partner's file under that name.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <payload/as2/filename.h>
#include <payload/mime/content_disposition.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace payload;
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  auto disposition = mime::parse_content_disposition(value);
  if (!disposition) return 0;
  (void)disposition->to_string();
  if (auto filename = disposition->filename()) (void)as2::check_filename(*filename);
  return 0;
}
