#include "model/generator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "model/site_profile.hpp"
#include "model/visit_builder.hpp"
#include "model/visitor.hpp"
#include "util/error.hpp"
#include "util/random.hpp"

namespace tf::model {
namespace {

constexpr std::uint64_t k_plan_stream = 1;
constexpr std::uint64_t k_content_stream = 2;
constexpr std::int64_t k_unused_slot = std::numeric_limits<std::int64_t>::min();
constexpr double k_ms_per_day = 86'400'000.0;
constexpr double k_bounce_dwell_max_s = 60.0;
/// The returning-visitor pool is partitioned by visit number: a slot of class r serves only the
/// visits i ≡ r (mod M), so shards K/N with N dividing M never share a visitor (one process dates
/// and orders all of a visitor's hits). M is the largest of these that leaves every class at
/// least k_min_class_slots slots (so that a busy slot has a neighbour to stand in for it):
/// 1680 = 2 lcm(1..8) also serves 16 shards; 840 = lcm(1..8); 120 and 24 divide by 8 and by every
/// shard count up to 6.
constexpr std::array<std::size_t, 8> k_pool_moduli{1680, 840, 120, 24, 12, 6, 2, 1};
constexpr std::size_t k_min_class_slots = 2;
/// When the drawn slot is busy (in a visit, or within Matomo's window), the class's next slots are
/// tried in turn, at most this many in all, before a fresh visitor stands in.
constexpr std::size_t k_max_slot_probes = 64;

std::int64_t seconds_to_ms(double seconds) { return std::llround(seconds * 1000.0); }

bool eligible(const config::Funnel& funnel) {
  return funnel.enabled && !funnel.steps.empty() && funnel.steps.front().type == config::StepType::pageview;
}

}  // namespace

std::int64_t VisitPlan::duration_ms() const {
  std::int64_t total = browse_ms;
  for (const auto delay : step_delays_ms) {
    total += delay;
  }
  return total;
}

VisitGenerator::VisitGenerator(const config::Settings& settings, const config::UrlCatalogue& catalogue,
                               std::vector<config::Funnel> funnels, std::uint64_t seed)
  : m_settings(settings), m_profile(&site_profile(settings.site_profile)), m_order_limits(order_limits(settings)),
    m_seed(seed) {
  std::string problem;
  m_dimensions = intern_dimensions(config::parse_dimensions(settings.custom_dimensions, problem));
  if (!problem.empty()) {
    throw Error("CUSTOM_DIMENSIONS: " + problem);  // validated when loaded; settings made in code may skip that
  }
  if (catalogue.pages.empty()) {
    throw Error("the URL catalogue has no pages");
  }
  for (auto& funnel : funnels) {
    if (eligible(funnel)) {
      m_funnels.push_back(std::move(funnel));
    }
  }
  std::stable_sort(m_funnels.begin(), m_funnels.end(),
                   [](const auto& a, const auto& b) { return a.priority < b.priority; });
  m_titles.reserve(catalogue.pages.size());
  m_pages.reserve(catalogue.pages.size());
  for (const auto& page : catalogue.pages) {
    m_pages.push_back({Text::intern(page.url), Text::intern(page.title)});
    m_titles.emplace(m_pages.back().url.view(), m_pages.back().title);  // keys: interned, never freed
  }
  const std::string origin = origin_of(m_pages.front().url.view());
  for (const auto& product : m_profile->products) {
    m_product_pages.push_back({Text::intern(product_url(origin, product)), Text::intern(product.name)});
  }
  m_slot_end_ms.assign(static_cast<std::size_t>(std::max(0, settings.returning_visitor_pool)), k_unused_slot);
  m_pool_modulus = pool_modulus(m_slot_end_ms.size());
}

VisitPlan VisitGenerator::plan(std::uint64_t i) const {
  Rng rng = Rng::stream(m_seed, i, k_plan_stream);
  VisitPlan plan;
  const double rate_per_ms = std::max(m_settings.target_visits_per_day, 1e-9) / k_ms_per_day;
  plan.gap_ms = std::llround(rng.exponential(rate_per_ms));
  if (rng.bernoulli(m_settings.returning_visitor_probability) && !m_slot_end_ms.empty()) {
    const std::size_t residue = static_cast<std::size_t>(i % m_pool_modulus);
    plan.slot = residue + m_pool_modulus * rng.index(class_slots(residue));
  }
  for (const auto& funnel : m_funnels) {
    if (rng.uniform() < funnel.probability) {
      plan.funnel = &funnel;
      break;
    }
  }
  if (plan.funnel != nullptr) {
    for (const auto& step : plan.funnel->steps) {
      const double lo = std::max(0.0, step.delay_seconds_min);
      plan.step_delays_ms.push_back(seconds_to_ms(rng.uniform(lo, std::max(lo, step.delay_seconds_max))));
    }
  }
  if (plan.funnel == nullptr || !plan.funnel->exit_after_completion) {
    // A browsing visit (not a funnel's continuation) bounces with BOUNCE_PROBABILITY: one page,
    // read for up to a minute. The others keep PAGEVIEWS_MIN/MAX, with at least 2 pages.
    const bool bounce = rng.bernoulli(m_settings.bounce_probability) && plan.funnel == nullptr;
    const int hi = std::max(1, m_settings.pageviews_max);
    const int lo = std::min(hi, std::max(2, m_settings.pageviews_min));
    plan.pageviews = bounce ? 1 : static_cast<int>(rng.uniform_int(lo, hi));
    const double dmin = std::max(0.0, m_settings.visit_duration_min);
    const double minutes = rng.uniform(dmin, std::max(dmin, m_settings.visit_duration_max));
    plan.browse_ms = seconds_to_ms(bounce ? rng.uniform(0.0, k_bounce_dwell_max_s) : 60.0 * minutes);
  }
  return plan;
}

VisitGenerator::Admission VisitGenerator::admit(std::uint64_t i, const VisitPlan& plan,
                                                std::optional<std::int64_t> start_ms) {
  if (i != m_next) {
    throw std::logic_error(fmt::format("VisitGenerator: visit {} requested, expected {}", i, m_next));
  }
  ++m_next;
  m_clock_ms += plan.gap_ms;
  Admission admission{start_ms.value_or(m_clock_ms), std::nullopt, false};
  if (plan.slot) {
    admission.slot = free_slot(*plan.slot, admission.arrival_ms);
    if (admission.slot) {
      std::int64_t& end = m_slot_end_ms[*admission.slot];
      admission.returning = end != k_unused_slot;
      end = admission.arrival_ms + plan.duration_ms();
    }
  }
  return admission;
}

std::size_t VisitGenerator::class_slots(std::size_t residue) const {
  return (m_slot_end_ms.size() - residue + m_pool_modulus - 1) / m_pool_modulus;
}

std::optional<std::size_t> VisitGenerator::free_slot(std::size_t drawn, std::int64_t arrival_ms) const {
  const std::size_t residue = drawn % m_pool_modulus;
  const std::size_t count = class_slots(residue);
  for (std::size_t j = 0; j < std::min(count, k_max_slot_probes); ++j) {
    const std::size_t slot = residue + m_pool_modulus * ((drawn / m_pool_modulus + j) % count);
    const std::int64_t end = m_slot_end_ms[slot];
    if (end == k_unused_slot || arrival_ms >= end + k_visit_window_ms) {
      return slot;
    }
  }
  return std::nullopt;
}

std::size_t pool_modulus(std::size_t pool) {
  for (const std::size_t m : k_pool_moduli) {
    if (m * k_min_class_slots <= pool) {
      return m;
    }
  }
  return 1;
}

Visit VisitGenerator::make(std::uint64_t i, std::optional<std::int64_t> start_ms) {
  const VisitPlan visit_plan = plan(i);
  const Admission admission = admit(i, visit_plan, start_ms);
  Visit visit;
  visit.index = i;
  visit.start_ms = start_ms;
  visit.arrival_ms = admission.arrival_ms;
  Rng rng = Rng::stream(m_seed, i, k_content_stream);
  if (admission.slot) {
    Rng pool = Rng::stream(mix_keys(m_seed, hash_name("visitor-pool")), *admission.slot);
    visit.visitor = draw_visitor(pool, m_settings.logged_in_probability);
    visit.visitor.pooled = true;
    visit.visitor.slot = *admission.slot;
    visit.visitor.returning = admission.returning;
  } else {
    visit.visitor = draw_visitor(rng, m_settings.logged_in_probability);
  }
  const BuildContext context{m_settings, *m_profile, m_pages, m_titles, m_order_limits, m_product_pages};
  VisitBuilder builder(context, visit, rng);
  builder.landing();
  if (visit_plan.funnel != nullptr) {
    visit.funnel = visit_plan.funnel->name;
    builder.funnel(*visit_plan.funnel, visit_plan.step_delays_ms);
  }
  if (visit_plan.pageviews > 0) {
    builder.browsing(visit_plan.pageviews, visit_plan.browse_ms);
  }
  builder.finish();
  if (!m_dimensions.empty()) {
    add_dimensions(visit, m_dimensions, m_settings.custom_dimension_probability, m_seed);
  }
  return visit;
}

Visit VisitGenerator::build(std::uint64_t i) { return make(i, std::nullopt); }

Visit VisitGenerator::build_at(std::uint64_t i, std::int64_t start_ms) { return make(i, start_ms); }

void VisitGenerator::skip(std::uint64_t i) { admit(i, plan(i), std::nullopt); }

void VisitGenerator::skip_at(std::uint64_t i, std::int64_t start_ms) { admit(i, plan(i), start_ms); }

}  // namespace tf::model
