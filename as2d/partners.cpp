// as2d partner table: certificates loaded per partner.
#include "partners.h"

#include <chrono>

namespace as2d {

using payload::Errc;
using payload::fail;
using payload::Result;

Result<std::shared_ptr<const PartnerTable>> PartnerTable::load(const Config& config) {
  auto table = std::make_shared<PartnerTable>();
  const auto now = std::chrono::system_clock::now();
  for (const auto& partner_config : config.partners) {
    Partner partner{partner_config, {}};
    const std::string where = "[partner." + partner_config.name + "] cert: ";
    for (const auto& file : partner_config.certs) {
      auto certificates = payload::cms::Certificate::load_all(file);
      if (!certificates) return fail(certificates.error().with_context(where + file.string()));
      for (auto& certificate : *certificates) partner.certificates.push_back(std::move(certificate));
    }
    bool any_valid = false;
    for (const auto& certificate : partner.certificates) any_valid = any_valid || certificate.valid_at(now);
    if (!any_valid)
      return fail(Errc::key_unusable, where + "every certificate is expired or not yet valid");
    table->m_by_id.emplace(partner.config.as2_id, table->m_partners.size());
    table->m_partners.push_back(std::move(partner));
  }
  return std::shared_ptr<const PartnerTable>(std::move(table));
}

const Partner* PartnerTable::find(const std::string& as2_id) const {
  const auto it = m_by_id.find(as2_id);
  return it == m_by_id.end() ? nullptr : &m_partners[it->second];
}

}  // namespace as2d
