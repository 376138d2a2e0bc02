// The funnel part of a visit (reference/predecessor.md §2.8, plus the `goal` step).
#include <algorithm>

#include <fmt/format.h>

#include "model/site_profile.hpp"
#include "model/visit_builder.hpp"

namespace tf::model {
namespace {

std::optional<Cents> cents_of(const std::optional<double>& amount) {
  return amount ? std::optional<Cents>{to_cents(*amount)} : std::nullopt;
}

std::string or_default(const std::string& value, std::string fallback) {
  return value.empty() ? std::move(fallback) : value;
}

}  // namespace

void VisitBuilder::funnel(const config::Funnel& funnel, const std::vector<std::int64_t>& delays_ms) {
  std::int64_t offset = m_offset_ms;
  for (std::size_t step = 0; step < funnel.steps.size(); ++step) {
    add_funnel_step(funnel, step, offset);
    offset += step < delays_ms.size() ? delays_ms[step] : 0;
  }
  m_offset_ms = offset;
}

void VisitBuilder::add_funnel_step(const config::Funnel& funnel, std::size_t index, std::int64_t offset_ms) {
  const config::FunnelStep& step = funnel.steps[index];
  using config::StepType;
  switch (step.type) {
    case StepType::pageview: {
      const Text url = !step.url.empty() ? Text(resolve(step.url)) : !m_page.empty() ? m_page : random_page().url;
      Text title = !step.action_name.empty() ? Text(step.action_name) : title_of(url);
      if (title.empty()) {
        title = fmt::format("Funnel: {} ({}/{})", funnel.name, index + 1, funnel.steps.size());
      }
      add_page(offset_ms, url, title);
      break;
    }
    case StepType::event: {
      Hit& hit = add(HitKind::event, offset_ms, m_page);
      hit.e_c = or_default(step.event_category, "Funnel");
      hit.e_a = or_default(step.event_action, fmt::format("Step {}", index + 1));
      hit.e_n = step.event_name;
      hit.e_v = step.event_value;
      break;
    }
    case StepType::site_search: {
      Hit& hit = add(HitKind::site_search, offset_ms, m_page);
      const auto& terms = m_ctx.profile.search_terms;
      hit.search = or_default(step.search_keyword, std::string(terms[m_rng.index(terms.size())]));
      hit.search_cat = step.search_category;
      hit.search_count = step.search_results ? std::max(0, *step.search_results)
                                             : static_cast<int>(m_rng.uniform_int(0, k_max_search_count));
      hit.action_name = step.action_name;
      hit.pv_id = new_pv_id();
      break;
    }
    case StepType::outlink:
    case StepType::download: {
      const HitKind kind = step.type == StepType::outlink ? HitKind::outlink : HitKind::download;
      const Text& page = m_page;  // add() takes a copy
      add(kind, offset_ms, page).link = step.target_url.empty() ? page : Text(resolve(step.target_url));
      break;
    }
    case StepType::ecommerce: {
      const OrderOverrides overrides{cents_of(step.ecommerce_revenue), cents_of(step.ecommerce_subtotal),
                                     cents_of(step.ecommerce_tax), cents_of(step.ecommerce_shipping)};
      Order order = draw_order(m_rng, m_ctx.order_limits, order_id(), overrides);
      Hit& hit = add(HitKind::ecommerce_order, offset_ms, m_page);
      hit.idgoal = 0;
      hit.order = std::make_shared<const Order>(std::move(order));
      break;
    }
    case StepType::goal: {
      Hit& hit = add(HitKind::goal, offset_ms, m_page);
      hit.idgoal = std::max(1, step.goal_id);
      hit.goal_revenue = cents_of(step.goal_revenue);
      break;
    }
  }
}

}  // namespace tf::model
