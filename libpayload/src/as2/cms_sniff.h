// Private to src/as2: which CMS structure a DER/BER blob holds, read from its
// ContentInfo contentType (RFC 5652 3), so a layer is processed as what it is rather
// than as what its smime-type parameter claims.
#pragma once

#include <string_view>

namespace payload::as2::detail {

enum class CmsKind { unknown, signed_data, enveloped_data, auth_enveloped_data, compressed_data };

[[nodiscard]] CmsKind sniff_cms(std::string_view der) noexcept;

}  // namespace payload::as2::detail
