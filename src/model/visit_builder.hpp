#pragma once
// Internal to the model: fills one Visit's hits from its content stream (see generator.hpp for
// the behaviour). One builder per visit; call landing(), then funnel() and/or browsing(), then
// finish().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/catalogue.hpp"
#include "config/funnels.hpp"
#include "config/settings.hpp"
#include "model/order.hpp"
#include "model/visit.hpp"
#include "util/random.hpp"

namespace tf::model {

/// The most site-search results a generated search reports (search_count is drawn from 0..this).
inline constexpr int k_max_search_count = 25;

struct Product;
struct SiteProfile;

/// "scheme://host" of an absolute URL.
std::string origin_of(std::string_view url);
/// A product's page: `origin` + "/products/" + its SKU in lowercase.
std::string product_url(std::string_view origin, const Product& product);

struct BuildContext {
  const config::Settings& settings;
  const SiteProfile& profile;  ///< SITE_PROFILE: the lists the visit's actions draw from
  const std::vector<PageText>& pages;  ///< the catalogue's pages, interned, in its order (≥ 1)
  const std::unordered_map<std::string_view, Text>& titles;  ///< page URL → its title
  const OrderLimits& order_limits;
  const std::vector<PageText>& product_pages;  ///< product_url and name of each profile product
};

class VisitBuilder {
public:
  VisitBuilder(const BuildContext& context, Visit& visit, Rng& rng);

  /// Draws the landing referrer (direct/search/social/referral) and the campaign, if any.
  void landing();
  /// The funnel's steps, starting at the current offset; advances by each step's delay.
  void funnel(const config::Funnel& funnel, const std::vector<std::int64_t>& delays_ms);
  /// `pageviews` pages (≥ 1) spread over `duration_ms`, with the browsing actions.
  void browsing(int pageviews, std::int64_t duration_ms);
  /// Sets the visit's duration and, with HEARTBEAT_PROBABILITY, appends the ping with the last pv_id.
  void finish();

private:
  Hit& add(HitKind kind, std::int64_t offset_ms, Text url);
  /// A pageview of `url` (campaign parameters added on the landing hit).
  Hit& add_page(std::int64_t offset_ms, Text url, Text title);
  PvId new_pv_id();
  const PageText& random_page();
  Text title_of(std::string_view url) const;  ///< the catalogue's title of `url`, or empty
  std::string resolve(const std::string& target) const;  ///< relative → absolute on the page host
  std::string order_id();
  void add_browsing_action(int action, std::int64_t offset_ms);
  /// A content impression of a random block on the current page at `start_ms`, and with
  /// CONTENT_INTERACTION_PROBABILITY a click on it at `end_ms`.
  void add_content(std::int64_t start_ms, std::int64_t end_ms);
  static PerfTimings draw_perf_timings(Rng& rng);
  void add_funnel_step(const config::Funnel& funnel, std::size_t step, std::int64_t offset_ms);

  const BuildContext& m_ctx;
  Visit& m_visit;
  Rng& m_rng;
  std::int64_t m_offset_ms = 0;  ///< where the next part starts
  Text m_page;  ///< url of the current page (empty before the landing)
  PvId m_last_pv_id;
  std::string m_landing_referrer;
  std::string m_campaign_query;  ///< "mtm_campaign=…&mtm_kwd=…" or empty
  std::optional<std::size_t> m_viewed;  ///< the product of the last product page viewed
};

}  // namespace tf::model
