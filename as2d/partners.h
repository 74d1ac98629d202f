// as2d partner table: each configured partner with its certificates loaded, looked up by
// AS2 id. Immutable once built; SIGHUP builds a new one and swaps it in (daemon.cpp).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <payload/cms/certificate.h>
#include <payload/core/error.h>

#include "config.h"

namespace as2d {

struct Partner {
  PartnerConfig config;
  std::vector<payload::cms::Certificate> certificates;  // in the order configured
};

class PartnerTable final {
public:
  // Loads every partner's certificates. Errors name the partner and the file: a
  // certificate that does not load, or a partner whose certificates are all outside
  // their validity period (i05 10: an immediate, noticeable error).
  [[nodiscard]] static payload::Result<std::shared_ptr<const PartnerTable>> load(const Config& config);

  // The partner whose as2_id is `as2_id` (case-sensitive, RFC 4130 6.2), or nullptr.
  [[nodiscard]] const Partner* find(const std::string& as2_id) const;
  [[nodiscard]] const std::vector<Partner>& all() const noexcept { return m_partners; }

private:
  std::vector<Partner> m_partners;
  std::map<std::string, std::size_t> m_by_id;
};

}  // namespace as2d
