#pragma once
// A funnel that makes every hit kind a funnel can: a page, an ecommerce order, a goal with
// revenue and a download (shared by the matomo tests).
#include <string>

#include "config/funnels.hpp"

namespace tf::testing {

inline config::Funnel order_goal_download_funnel(std::string name, double probability) {
  config::Funnel f;
  f.name = std::move(name);
  f.probability = probability;
  f.exit_after_completion = false;
  config::FunnelStep page;
  config::FunnelStep order;
  order.type = config::StepType::ecommerce;
  order.ecommerce_subtotal = 80;
  config::FunnelStep goal;
  goal.type = config::StepType::goal;
  goal.goal_id = 2;
  goal.goal_revenue = 5;
  config::FunnelStep download;
  download.type = config::StepType::download;
  download.target_url = "files/a.pdf";
  f.steps = {page, order, goal, download};
  return f;
}

}  // namespace tf::testing
