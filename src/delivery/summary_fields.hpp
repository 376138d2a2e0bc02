#pragma once
// The command's summary fields added to the session's summary for the time of writing the files.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace tf::delivery {

/// Adds `fields` (an object) to `summary` (an object) while it lives, and takes them out again
/// when destroyed, putting back what they replaced: the files get the fields without a copy of
/// the summary (megabytes with the ledger's visitors: ~330 instructions a hit at 8,000 visits).
class SummaryFieldsAdded {
public:
  SummaryFieldsAdded(nlohmann::json& summary, const nlohmann::json& fields);
  ~SummaryFieldsAdded();
  SummaryFieldsAdded(const SummaryFieldsAdded&) = delete;
  SummaryFieldsAdded& operator=(const SummaryFieldsAdded&) = delete;

private:
  nlohmann::json& m_summary;
  std::vector<std::pair<std::string, std::optional<nlohmann::json>>> m_replaced;  ///< key, value before
};

}  // namespace tf::delivery
