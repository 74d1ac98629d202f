#include "payload/core/secret.h"

#include <cstring>

namespace payload {

void secure_wipe(void* data, std::size_t size) noexcept {
  if (data && size) ::explicit_bzero(data, size);
}

}  // namespace payload
