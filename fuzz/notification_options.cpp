// Fuzz target: Disposition-Notification-Options as a receiver reads them, and the
// receipt-signing decision taken from what parsed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <payload/mdn/notification_options.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace payload::mdn;
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  auto options = parse_notification_options(value);
  (void)select_receipt_signing(options ? &*options : nullptr);
  return 0;
}
