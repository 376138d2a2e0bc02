#pragma once
// The predecessor's funnels.json schema (reference/predecessor.md §2.8) plus a `goal` step.
#include <optional>
#include <string>
#include <vector>

namespace tf::config {

enum class StepType { pageview, event, site_search, outlink, download, ecommerce, goal };

struct FunnelStep {
  StepType type = StepType::pageview;
  std::string url;  ///< empty: previous page, else a random catalogue URL
  std::string action_name;  ///< empty: default name
  double delay_seconds_min = 0;
  double delay_seconds_max = 0;
  // event
  std::string event_category, event_action, event_name;
  std::optional<double> event_value;
  // site_search
  std::string search_keyword, search_category;
  std::optional<int> search_results;
  // outlink / download
  std::string target_url;
  // ecommerce overrides
  std::optional<double> ecommerce_revenue, ecommerce_subtotal, ecommerce_tax, ecommerce_shipping;
  // goal
  int goal_id = 0;
  std::optional<double> goal_revenue;
};

struct Funnel {
  std::string name = "Unnamed Funnel";
  std::string description;
  double probability = 0;
  int priority = 0;
  bool enabled = true;
  bool exit_after_completion = true;
  std::vector<FunnelStep> steps;
};

}  // namespace tf::config
