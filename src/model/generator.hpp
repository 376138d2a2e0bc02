#pragma once
// VisitGenerator: turns (settings, URL catalogue, funnels, seed) into visits, deterministically.
//
// Contract
// - Visits are produced in increasing index order: for every i = 0, 1, 2, ... the caller calls
//   exactly one of build(i), build_at(i, start_ms) or skip(i). A shard K/N builds its own i and
//   skips the others, so the returning-visitor bookkeeping, and therefore every visit's content,
//   is identical whatever the shard split or thread count.
// - Visit i draws only from Rng::stream(seed, i, …) and from the pool profiles derived from
//   (seed, slot). Each visit has a "plan" (arrival gap, pool draw, funnel choice, step delays,
//   page count and duration) drawn from its own plan stream, which skip() evaluates cheaply,
//   and "content" drawn from a second stream only by build().
// - Arrival: a Poisson schedule at TARGET_VISITS_PER_DAY / 86400 per second; the gap before visit
//   i comes from visit i's plan stream. build_at(i, start_ms) (backfill) uses start_ms instead.
// - Returning visitors: with RETURNING_VISITOR_PROBABILITY a slot of a pool of
//   RETURNING_VISITOR_POOL profiles is drawn among the slots ≡ i (mod M), M = pool_modulus(pool),
//   so that with --shard K/N, N dividing M, a visitor's visits all fall to one shard. The pool
//   visitor is used only if its previous visit ended at least 30 minutes (Matomo's visit window)
//   before this arrival; when it is busy, the class's next slots stand in (up to 64 tried), so
//   the share of pool visits holds as long as the pool can serve the rate; only when all are busy
//   does a fresh visitor come instead.
// - A funnel (enabled, first step a pageview, ascending priority, each fires with its own
//   probability, first one wins) or a browsing visit; a funnel with exit_after_completion=false
//   continues with a browsing part in the same visit. With HEARTBEAT_PROBABILITY (default 1) a
//   visit ends with a ping carrying the last pv_id. Pageviews carry performance timings with
//   PERFORMANCE_TIMING_PROBABILITY; a page of a non-bounce visit has a content impression
//   (CONTENT_IMPRESSION_PROBABILITY), followed by a click with CONTENT_INTERACTION_PROBABILITY.
// - Browsing: a bounce (one pageview, dwell U(0, 60) s) with BOUNCE_PROBABILITY (funnel
//   continuations never bounce), else n ∈ U[max(2, PAGEVIEWS_MIN), PAGEVIEWS_MAX] pageviews over
//   a duration D ∈ U[VISIT_DURATION_MIN, VISIT_DURATION_MAX] minutes, dwell split by weights
//   U(0.5, 1.5). Each browsing pageview is a product page (product_url, with _pk* parameters)
//   with PRODUCT_VIEW_PROBABILITY. A visit with n ≥ 2 has a cart update (CART_UPDATE_PROBABILITY)
//   on a page in [2, n], listing the last product viewed (if any) and draw_cart's lines.
//   Search, outlink, download, click event and random event each happen with their probability
//   on a page drawn in [2, n], an order on page n (n ≥ 2 for all of them). Each is an extra hit
//   after its page's pageview, spread over that page's dwell, so two actions on one page both
//   happen. Real pauses U(PAUSE_BETWEEN_PVS_MIN, MAX) s before every hit except the first and
//   the ping.
// - Referrer of the landing hit: direct with DIRECT_TRAFFIC_PROBABILITY, else search engine,
//   social and referral sites in the ratio 35:15:20. Independently, CAMPAIGN_PROBABILITY of
//   visits land on a URL with mtm_campaign and mtm_kwd. Later hits have urlref = the previous
//   hit's url; the ping has none.
// - Content: every list a visit draws from (referrers, keywords, search terms, products, events,
//   downloads, outlinks, content blocks, campaigns) is SITE_PROFILE's (model/site_profile.hpp);
//   the pages are the catalogue given (the profile's, or URLS_FILE's).
// - build() returns start_ms = nullopt (realtime: hits are dated at send time, see
//   model/timing.hpp); build_at() returns start_ms = the given start.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/catalogue.hpp"
#include "config/funnels.hpp"
#include "config/settings.hpp"
#include "model/dimensions.hpp"
#include "model/order.hpp"
#include "model/visit.hpp"

namespace tf::model {

struct SiteProfile;

/// Matomo's visit window: a pool visitor is reused only this long after their last hit.
inline constexpr std::int64_t k_visit_window_ms = 30 * 60 * 1000;

/// The modulus partitioning a returning-visitor pool of `pool` slots by visit number: the
/// largest of 1680, 840, 120, 24, 12, 6, 2, 1 leaving at least 2 slots per class (1680 from
/// 3,360 slots, 840 from 1,680, 120 from 240, 24 from 48). Shards K/N never share a pool visitor when N divides it.
std::size_t pool_modulus(std::size_t pool);

/// What skip() needs to know about visit i, drawn from its plan stream.
struct VisitPlan {
  std::int64_t gap_ms = 0;  ///< Poisson inter-arrival gap before this visit
  std::optional<std::size_t> slot;  ///< pool slot drawn for a returning visitor
  const config::Funnel* funnel = nullptr;
  std::vector<std::int64_t> step_delays_ms;  ///< one per funnel step (dwell after the step)
  int pageviews = 0;  ///< browsing pageviews, 0 = no browsing part
  std::int64_t browse_ms = 0;  ///< browsing duration
  std::int64_t duration_ms() const;
};

class VisitGenerator {
public:
  /// Keeps its own copy of `settings` and the catalogue's pages (interned: visits may outlive the
  /// generator). Throws tf::Error for an empty catalogue.
  VisitGenerator(const config::Settings& settings, const config::UrlCatalogue& catalogue,
                 std::vector<config::Funnel> funnels, std::uint64_t seed);

  /// Visit i in realtime mode (start_ms = nullopt). Requires i == next_index().
  Visit build(std::uint64_t i);
  /// Visit i starting at `start_ms` (UNIX ms, backfill). Requires i == next_index().
  Visit build_at(std::uint64_t i, std::int64_t start_ms);
  /// Advances past visit i without building its content. Requires i == next_index().
  void skip(std::uint64_t i);
  /// skip() for a visit that build_at(i, start_ms) would have built (backfill shards, resume).
  void skip_at(std::uint64_t i, std::int64_t start_ms);
  /// Simulated length of visit i (== build_at(i, …).duration_ms), from its plan stream; any i.
  std::int64_t duration_of(std::uint64_t i) const { return plan(i).duration_ms(); }

  std::uint64_t next_index() const { return m_next; }
  std::uint64_t seed() const { return m_seed; }

private:
  struct Admission {
    std::int64_t arrival_ms;
    std::optional<std::size_t> slot;  ///< the pool slot actually used
    bool returning;
  };
  VisitPlan plan(std::uint64_t i) const;
  Admission admit(std::uint64_t i, const VisitPlan& plan, std::optional<std::int64_t> start_ms);
  Visit make(std::uint64_t i, std::optional<std::int64_t> start_ms);
  /// Slots of the pool in class `residue` (those ≡ residue mod m_pool_modulus).
  std::size_t class_slots(std::size_t residue) const;
  /// The first slot of `drawn`'s class, from `drawn` on (cyclically, at most 64 tried), whose
  /// visitor is free at `arrival_ms`; nullopt when all tried are busy.
  std::optional<std::size_t> free_slot(std::size_t drawn, std::int64_t arrival_ms) const;

  config::Settings m_settings;
  const SiteProfile* m_profile;  ///< SITE_PROFILE (built-in, lives as long as the process)
  std::vector<config::Funnel> m_funnels;  ///< eligible funnels in ascending priority
  std::vector<DimensionValues> m_dimensions;  ///< CUSTOM_DIMENSIONS, interned
  std::vector<PageText> m_pages;  ///< the catalogue's pages, interned (the catalogue is not kept)
  std::unordered_map<std::string_view, Text> m_titles;  ///< page URL → title, both from m_pages
  std::vector<PageText> m_product_pages;  ///< one per catalogue product, on the first page's host
  OrderLimits m_order_limits;
  std::uint64_t m_seed;
  std::uint64_t m_next = 0;
  std::int64_t m_clock_ms = 0;  ///< arrival of the last admitted visit
  std::vector<std::int64_t> m_slot_end_ms;  ///< end of each pool visitor's last visit
  std::size_t m_pool_modulus = 1;  ///< pool_modulus(m_slot_end_ms.size())
};

}  // namespace tf::model
