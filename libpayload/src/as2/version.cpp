// payload::as2 AS2-Version names (i05 6.1).
#include <payload/as2/version.h>

namespace payload::as2 {

std::string_view version_name(As2Version version) noexcept {
  switch (version) {
    case As2Version::v1_0: return "1.0";
    case As2Version::v1_1: return "1.1";
    case As2Version::v1_2: return "1.2";
    case As2Version::v1_3: return "1.3";
  }
  return "1.0";
}

std::optional<As2Version> parse_version(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text == "1.0") return As2Version::v1_0;
  if (text == "1.1") return As2Version::v1_1;
  if (text == "1.2") return As2Version::v1_2;
  if (text == "1.3") return As2Version::v1_3;
  return std::nullopt;
}

}  // namespace payload::as2
