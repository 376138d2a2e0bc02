#include "model/visit_builder.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "model/site_profile.hpp"
#include "model/order.hpp"
#include "model/referrers.hpp"

namespace tf::model {
namespace {

enum BrowsingAction {
  search_action,
  outlink_action,
  download_action,
  click_action,
  random_action,
  cart_action,
  order_action,
  action_count
};

constexpr std::string_view k_pv_alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr double k_search_category_probability = 0.225;  // predecessor: 0.3 × 3/4
constexpr double k_search_share = 35.0 / 70.0;  // of non-direct landings
constexpr double k_social_share = 15.0 / 70.0;

std::string with_query(std::string_view url, const std::string& query) {
  const std::size_t fragment = url.find('#');
  const std::string_view base = url.substr(0, fragment);
  const std::string_view tail = fragment == std::string_view::npos ? std::string_view{} : url.substr(fragment);
  return std::string(base).append(base.find('?') == std::string_view::npos ? "?" : "&").append(query).append(tail);
}

}  // namespace

std::string origin_of(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return std::string(url);
  }
  return std::string(url.substr(0, url.find('/', scheme + 3)));
}

std::string product_url(std::string_view origin, const Product& product) {
  std::string url = std::string(origin).append("/products/");
  for (const char c : product.sku) {
    url.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return url;
}

VisitBuilder::VisitBuilder(const BuildContext& context, Visit& visit, Rng& rng)
  : m_ctx(context), m_visit(visit), m_rng(rng) {}

void VisitBuilder::landing() {
  const double direct = std::clamp(m_ctx.settings.direct_traffic_probability, 0.0, 1.0);
  const double r = m_rng.uniform();
  if (r >= direct) {
    const double band = (r - direct) / (1.0 - direct);
    const auto kind = band < k_search_share    ? ReferrerClass::search
      : band < k_search_share + k_social_share ? ReferrerClass::social
                                               : ReferrerClass::website;
    const auto& group = m_ctx.profile.referrers[static_cast<std::size_t>(kind)];
    const Referrer& referrer = group[m_rng.index(group.size())];
    const auto& keywords = m_ctx.profile.engine_keywords;
    const auto keyword = keywords[m_rng.index(keywords.size())];
    m_landing_referrer = referrer_url(referrer, kind == ReferrerClass::search ? keyword : std::string_view{});
  }
  if (m_rng.bernoulli(m_ctx.settings.campaign_probability)) {
    const auto& campaigns = m_ctx.profile.campaigns;
    const auto& keywords = m_ctx.profile.campaign_keywords;
    m_visit.campaign = std::string(campaigns[m_rng.index(campaigns.size())]);
    const auto keyword = keywords[m_rng.index(keywords.size())];
    m_campaign_query = "mtm_campaign=" + m_visit.campaign + "&mtm_kwd=" + std::string(keyword);
  }
}

Hit& VisitBuilder::add(HitKind kind, std::int64_t offset_ms, Text url) {
  const bool first = m_visit.hits.empty();
  std::int64_t pause_ms = 0;
  if (!first) {
    const double pause_s =
      m_rng.uniform(m_ctx.settings.pause_between_pvs_min,
                    std::max(m_ctx.settings.pause_between_pvs_min, m_ctx.settings.pause_between_pvs_max));
    pause_ms = std::llround(pause_s * 1000.0);
  }
  Hit& hit = m_visit.hits.emplace_back();  // built in place: a hit is 208 bytes
  hit.kind = kind;
  hit.offset_ms = offset_ms;
  hit.pause_before_ms = pause_ms;
  hit.url = std::move(url);
  if (first) {
    hit.new_visit = true;
    hit.urlref = m_landing_referrer;
  }
  return hit;
}

Hit& VisitBuilder::add_page(std::int64_t offset_ms, Text url, Text title) {
  const bool landing_hit = m_visit.hits.empty();
  const bool perf = m_rng.bernoulli(m_ctx.settings.performance_timing_probability);
  m_page = url;
  Hit& hit = add(HitKind::pageview, offset_ms,
                 landing_hit && !m_campaign_query.empty() ? Text(with_query(url, m_campaign_query)) : std::move(url));
  hit.action_name = std::move(title);
  hit.pv_id = new_pv_id();
  if (perf) {
    hit.has_perf = true;
    hit.perf = draw_perf_timings(m_rng);
  }
  return hit;
}

model::PerfTimings VisitBuilder::draw_perf_timings(Rng& rng) {
  // network, server, transfer, DOM processing, DOM completion, onload: typical ranges in ms
  constexpr std::array<std::array<std::int64_t, 2>, 6> k_ranges{
    {{0, 150}, {40, 600}, {5, 250}, {150, 1800}, {50, 1200}, {0, 120}}};
  PerfTimings out{};
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = static_cast<std::uint16_t>(rng.uniform_int(k_ranges[k][0], k_ranges[k][1]));
  }
  return out;
}

void VisitBuilder::add_content(std::int64_t start_ms, std::int64_t end_ms) {
  const auto& blocks = m_ctx.profile.content;
  const ContentBlock& block = blocks[m_rng.index(blocks.size())];
  const bool click = m_rng.bernoulli(m_ctx.settings.content_interaction_probability);
  const Text page = m_page;
  // matomo.js sends the page view's id with every request; it also tells apart the impressions
  // of a page viewed twice (a reload), which would otherwise be the same request
  Hit& impression = add(HitKind::content, start_ms, page);
  impression.content = &block;
  impression.pv_id = m_last_pv_id;
  if (click) {
    Hit& hit = add(HitKind::content, end_ms, page);
    hit.content = &block;
    hit.content_click = true;
    hit.pv_id = m_last_pv_id;
  }
}

PvId VisitBuilder::new_pv_id() {
  std::array<char, 6> id{};
  for (auto& c : id) {
    c = k_pv_alphabet[m_rng.index(k_pv_alphabet.size())];
  }
  m_last_pv_id = std::string_view(id.data(), id.size());
  return m_last_pv_id;
}

const PageText& VisitBuilder::random_page() { return m_ctx.pages[m_rng.index(m_ctx.pages.size())]; }

Text VisitBuilder::title_of(std::string_view url) const {
  const auto it = m_ctx.titles.find(url);
  return it == m_ctx.titles.end() ? Text{} : it->second;
}

std::string VisitBuilder::resolve(const std::string& target) const {
  if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
    return target;
  }
  const std::string origin = origin_of(m_page.empty() ? m_ctx.pages.front().url.view() : m_page.view());
  return origin + (target.rfind('/', 0) == 0 ? "" : "/") + target;
}

std::string VisitBuilder::order_id() {
  std::string id = m_rng.hex(16);
  for (auto& c : id) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return id;
}

void VisitBuilder::browsing(int pageviews, std::int64_t duration_ms) {
  const auto n = static_cast<std::size_t>(std::max(pageviews, 1));
  std::vector<double> weights(n);
  double total = 0;
  for (auto& w : weights) {
    w = m_rng.uniform(0.5, 1.5);
    total += w;
  }
  const auto& s = m_ctx.settings;
  const std::array<double, action_count> probability{
    s.sitesearch_probability,    s.outlinks_probability,    s.downloads_probability, s.click_events_probability,
    s.random_events_probability, s.cart_update_probability, s.ecommerce_probability};
  std::array<std::size_t, action_count> page_of{};  // 0 = not in this visit
  std::size_t actions = 0;
  for (std::size_t a = 0; a < action_count; ++a) {
    const bool fires = m_rng.bernoulli(probability[a]);
    if (fires && n >= 2) {
      page_of[a] = a == order_action ? n : static_cast<std::size_t>(m_rng.uniform_int(2, static_cast<std::int64_t>(n)));
      ++actions;
    }
  }
  // The pages, their actions and finish()'s ping: one allocation, which finish() keeps as it is.
  m_visit.hits.reserve(m_visit.hits.size() + n + actions + 1);
  std::int64_t start = m_offset_ms;
  double elapsed = 0;
  for (std::size_t k = 1; k <= n; ++k) {
    elapsed += weights[k - 1];
    const std::int64_t end = m_offset_ms + std::llround(static_cast<double>(duration_ms) * elapsed / total);
    if (m_rng.bernoulli(s.product_view_probability)) {
      const std::size_t product = m_rng.index(m_ctx.product_pages.size());
      add_page(start, m_ctx.product_pages[product].url, m_ctx.product_pages[product].title).product =
        &m_ctx.profile.products[product];
      m_viewed = product;
    } else {
      const auto& page = random_page();
      add_page(start, page.url, page.title);
    }
    int on_page = 0;
    for (const auto p : page_of) {
      on_page += p == k ? 1 : 0;
    }
    if (n >= 2 && m_rng.bernoulli(s.content_impression_probability)) {  // never on a bounce
      add_content(start, start + (end - start) / (on_page + 2));
    }
    int placed = 0;
    for (std::size_t a = 0; a < action_count; ++a) {
      if (page_of[a] == k) {
        ++placed;
        add_browsing_action(static_cast<int>(a), start + (end - start) * placed / (on_page + 1));
      }
    }
    start = end;
  }
  m_offset_ms += duration_ms;
}

void VisitBuilder::add_browsing_action(int action, std::int64_t offset_ms) {
  const Text& page = m_page;  // add() takes a copy: a pointer copy for a catalogue page (interned)
  switch (action) {
    case search_action: {
      Hit& hit = add(HitKind::site_search, offset_ms, page);
      const SiteProfile& p = m_ctx.profile;
      hit.search = std::string(p.search_terms[m_rng.index(p.search_terms.size())]);
      if (m_rng.bernoulli(k_search_category_probability)) {
        hit.search_cat = std::string(p.search_categories[m_rng.index(p.search_categories.size())]);
      }
      hit.search_count = static_cast<int>(m_rng.uniform_int(0, k_max_search_count));
      hit.pv_id = new_pv_id();
      break;
    }
    case outlink_action:
      add(HitKind::outlink, offset_ms, page).link =
        std::string(m_ctx.profile.outlinks[m_rng.index(m_ctx.profile.outlinks.size())]);
      break;
    case download_action:
      add(HitKind::download, offset_ms, page).link =
        resolve(std::string(m_ctx.profile.downloads[m_rng.index(m_ctx.profile.downloads.size())]));
      break;
    case click_action:
    case random_action: {
      const auto& list = action == click_action ? m_ctx.profile.click_events : m_ctx.profile.random_events;
      const EventEntry& event = list[m_rng.index(list.size())];
      Hit& hit = add(HitKind::event, offset_ms, page);
      hit.e_c = std::string(event.category);
      hit.e_a = std::string(event.action);
      hit.e_n = std::string(event.name);
      if (event.value >= 0) {
        hit.e_v = event.value;
      }
      break;
    }
    case cart_action: {
      // The cart: the product last viewed in this visit (if any) and a drawn cart's other lines.
      Order cart;
      cart.items = draw_cart(m_rng, m_ctx.order_limits);
      if (m_viewed) {
        const Product& viewed = m_ctx.profile.products[*m_viewed];
        const auto same = std::find_if(cart.items.begin(), cart.items.end(),
                                       [&](const OrderItem& item) { return item.sku == viewed.sku; });
        if (same == cart.items.end()) {
          cart.items.front() = {std::string(viewed.sku), std::string(viewed.name), std::string(viewed.category),
                                viewed.base_price_cents, 1};
        }
      }
      for (const auto& item : cart.items) {
        cart.subtotal += item.price * item.quantity;
      }
      cart.revenue = cart.subtotal;
      Hit& hit = add(HitKind::cart_update, offset_ms, page);
      hit.idgoal = 0;
      hit.order = std::make_shared<const Order>(std::move(cart));
      break;
    }
    default: {
      Order order = draw_order(m_rng, m_ctx.order_limits, order_id());
      Hit& hit = add(HitKind::ecommerce_order, offset_ms, page);
      hit.idgoal = 0;
      hit.order = std::make_shared<const Order>(std::move(order));
      break;
    }
  }
}

void VisitBuilder::finish() {
  m_visit.duration_ms = m_offset_ms;
  if (!m_rng.bernoulli(m_ctx.settings.heartbeat_probability)) {
    m_visit.hits.shrink_to_fit();
    return;
  }
  Hit& ping = m_visit.hits.emplace_back();
  ping.kind = HitKind::ping;
  ping.offset_ms = m_offset_ms;
  ping.url = m_page;
  ping.pv_id = m_last_pv_id;
  // Visits wait in memory for seconds or minutes (10,000 in progress is normal): no spare capacity.
  m_visit.hits.shrink_to_fit();
  m_visit.duration_ms = m_offset_ms;
}

}  // namespace tf::model
