#include "delivery/summary_fields.hpp"

namespace tf::delivery {

SummaryFieldsAdded::SummaryFieldsAdded(nlohmann::json& summary, const nlohmann::json& fields) : m_summary(summary) {
  for (const auto& [key, value] : fields.items()) {
    const auto before = m_summary.find(key);
    m_replaced.emplace_back(key, before == m_summary.end() ? std::nullopt : std::optional{std::move(*before)});
    m_summary[key] = value;
  }
}

SummaryFieldsAdded::~SummaryFieldsAdded() {
  for (auto it = m_replaced.rbegin(); it != m_replaced.rend(); ++it) {
    if (it->second) {
      m_summary[it->first] = std::move(*it->second);
    } else {
      m_summary.erase(it->first);
    }
  }
}

}  // namespace tf::delivery
