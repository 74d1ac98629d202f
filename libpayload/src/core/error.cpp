// payload::core errors: names and the std::error_category.
#include <payload/core/error.h>

namespace payload {

std::string_view errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::ok: return "ok";
    case Errc::usage: return "usage";
    case Errc::bad_data: return "bad_data";
    case Errc::bad_signature: return "bad_signature";
    case Errc::no_key: return "no_key";
    case Errc::key_unusable: return "key_unusable";
    case Errc::bad_passphrase: return "bad_passphrase";
    case Errc::io: return "io";
    case Errc::unsupported: return "unsupported";
    case Errc::canceled: return "canceled";
    case Errc::internal: return "internal";
  }
  return "internal";
}

namespace {
class PayloadCategory final : public std::error_category {
public:
  const char* name() const noexcept override { return "payload"; }
  std::string message(int value) const override { return std::string(errc_name(static_cast<Errc>(value))); }
};
}  // namespace

const std::error_category& payload_category() noexcept {
  static const PayloadCategory category;
  return category;
}

std::error_code make_error_code(Errc code) noexcept { return {static_cast<int>(code), payload_category()}; }

Error Error::with_context(std::string_view context) const {
  std::string message(context);
  message += ": ";
  message += m_message;
  return Error(m_code, std::move(message));
}

}  // namespace payload
