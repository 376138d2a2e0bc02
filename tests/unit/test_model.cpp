#include <algorithm>
#include <map>
#include <set>
#include <string>

#include <catch2/catch.hpp>
#include <date/tz.h>

#include "model/catalogues.hpp"
#include "model/site_profile.hpp"
#include "model/generator.hpp"
#include "model/order.hpp"
#include "model/referrers.hpp"
#include "model/text.hpp"
#include "model/visitor.hpp"
#include "sigma.hpp"

using namespace tf::model;

namespace {

tf::config::UrlCatalogue small_catalogue() {
  tf::config::UrlCatalogue catalogue;
  for (int k = 1; k <= 50; ++k) {
    catalogue.pages.push_back({"https://example.test/products/item-" + std::to_string(k), "Item " + std::to_string(k)});
  }
  return catalogue;
}

tf::config::Funnel checkout_funnel() {
  tf::config::Funnel funnel;
  funnel.name = "Checkout";
  funnel.probability = 1.0;
  using tf::config::StepType;
  tf::config::FunnelStep landing;
  landing.url = "/cart";
  landing.delay_seconds_min = 10;
  landing.delay_seconds_max = 20;
  tf::config::FunnelStep search;
  search.type = StepType::site_search;
  search.search_keyword = "shoes";
  tf::config::FunnelStep event;
  event.type = StepType::event;
  event.event_category = "Checkout";
  event.event_action = "Start";
  event.event_value = 2.5;
  tf::config::FunnelStep order;
  order.type = StepType::ecommerce;
  order.ecommerce_revenue = 100.00;
  order.delay_seconds_min = 5;
  order.delay_seconds_max = 5;
  tf::config::FunnelStep goal;
  goal.type = StepType::goal;
  goal.goal_id = 3;
  goal.goal_revenue = 12.5;
  funnel.steps = {landing, search, event, order, goal};
  return funnel;
}

std::vector<Visit> generate(const tf::config::Settings& settings, const tf::config::UrlCatalogue& catalogue,
                            std::uint64_t count, std::vector<tf::config::Funnel> funnels = {}) {
  VisitGenerator generator(settings, catalogue, std::move(funnels), 42);
  std::vector<Visit> visits;
  visits.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    visits.push_back(generator.build(i));
  }
  return visits;
}

bool same(const Visit& a, const Visit& b) {
  if (a.visitor.id != b.visitor.id || a.hits.size() != b.hits.size() || a.duration_ms != b.duration_ms ||
      a.arrival_ms != b.arrival_ms || a.visitor.ip != b.visitor.ip || a.visitor.user_agent != b.visitor.user_agent) {
    return false;
  }
  for (std::size_t k = 0; k < a.hits.size(); ++k) {
    const Hit& x = a.hits[k];
    const Hit& y = b.hits[k];
    if (x.kind != y.kind || x.url != y.url || x.offset_ms != y.offset_ms || x.pv_id != y.pv_id ||
        x.pause_before_ms != y.pause_before_ms || x.urlref != y.urlref || x.link != y.link) {
      return false;
    }
  }
  return true;
}

/// |observed − n·p| ≤ 4σ of a binomial(n, p) count.
using tf::testing::within_4_sigma;

bool has_kind(const Visit& visit, HitKind kind) {
  return std::any_of(visit.hits.begin(), visit.hits.end(), [&](const Hit& h) { return h.kind == kind; });
}

}  // namespace

TEST_CASE("a visit's content does not depend on which earlier visits were built or skipped", "[model]") {
  const tf::config::Settings settings;
  const auto catalogue = small_catalogue();
  const auto all = generate(settings, catalogue, 300, {checkout_funnel()});
  for (int shards : {2, 3, 7}) {
    for (int shard = 0; shard < shards; ++shard) {
      VisitGenerator generator(settings, catalogue, {checkout_funnel()}, 42);
      for (std::uint64_t i = 0; i < all.size(); ++i) {
        if (static_cast<int>(i % static_cast<std::uint64_t>(shards)) == shard) {
          REQUIRE(same(generator.build(i), all[i]));
        } else {
          generator.skip(i);
        }
      }
    }
  }
}

TEST_CASE("an interned Text is kept once and shared by its copies; an owned one is copied", "[model]") {
  const std::string source = "https://shop.example.test/a";
  const Text a = Text::intern(source);
  const Text b = Text::intern(std::string_view(source).substr(0));  // equal text, another argument
  const Text copy = a;
  CHECK(a.interned());
  CHECK(a == source);
  CHECK(b.view().data() == a.view().data());
  CHECK(copy.interned());
  CHECK(copy.view().data() == a.view().data());
  CHECK(Text::intern("").empty());
  CHECK_FALSE(Text::intern("").interned());
  Text owned(source);
  CHECK_FALSE(owned.interned());
  owned = a;  // an interned one assigned: shared, and the owned block freed (ASan checks)
  CHECK(owned.view().data() == a.view().data());
  Text moved = std::move(owned);
  CHECK(moved.interned());
  CHECK(moved == source);

  // Visits outlive their generator: catalogue pages are interned, never freed with it.
  Visit visit;
  {
    const tf::config::Settings settings;
    VisitGenerator generator(settings, small_catalogue(), {}, 7);
    visit = generator.build(0);
  }
  REQUIRE_FALSE(visit.hits.empty());
  CHECK(visit.hits.back().url.interned());  // the ping: its page's URL
  CHECK(visit.hits.back().url.view().rfind("https://", 0) == 0);
}

TEST_CASE("the same seed gives the same visits and another seed different ones", "[model]") {
  const tf::config::Settings settings;
  const auto catalogue = small_catalogue();
  VisitGenerator a(settings, catalogue, {}, 7);
  VisitGenerator b(settings, catalogue, {}, 7);
  VisitGenerator c(settings, catalogue, {}, 8);
  const Visit first = a.build(0);
  CHECK(same(first, b.build(0)));
  CHECK_FALSE(same(first, c.build(0)));
}

TEST_CASE("visits must be requested in increasing order", "[model]") {
  const tf::config::Settings settings;
  const auto catalogue = small_catalogue();
  VisitGenerator generator(settings, catalogue, {}, 1);
  generator.skip(0);
  CHECK_THROWS_WITH(generator.build(2), "VisitGenerator: visit 2 requested, expected 1");
  CHECK_THROWS_WITH(VisitGenerator(settings, tf::config::UrlCatalogue{}, {}, 1), "the URL catalogue has no pages");
}

TEST_CASE("a browsing visit's timeline, referrers, pauses and ping follow the model", "[model]") {
  tf::config::Settings settings;
  settings.bounce_probability = 0;  // bounces: "over 100,000 visits ..."
  const auto catalogue = small_catalogue();
  const auto visits = generate(settings, catalogue, 2000);
  for (const auto& visit : visits) {
    REQUIRE(visit.hits.size() >= 2);
    const Hit& first = visit.hits.front();
    const Hit& ping = visit.hits.back();
    CHECK(first.kind == HitKind::pageview);
    CHECK(first.new_visit);
    CHECK(first.pause_before_ms == 0);
    CHECK(ping.kind == HitKind::ping);
    CHECK(ping.pause_before_ms == 0);
    CHECK(ping.offset_ms == visit.duration_ms);
    CHECK(visit.duration_ms >= 60'000);
    CHECK(visit.duration_ms <= 480'000);
    std::string last_pv;
    for (std::size_t k = 0; k + 1 < visit.hits.size(); ++k) {
      const Hit& hit = visit.hits[k];
      if (!hit.pv_id.empty()) {
        last_pv = hit.pv_id;
      }
      if (k > 0) {
        CHECK_FALSE(hit.new_visit);
        CHECK(hit.urlref.empty());
        CHECK(tf::model::referrer_of(visit, k) == visit.hits[k - 1].url);
        CHECK(hit.offset_ms >= visit.hits[k - 1].offset_ms);
        CHECK(hit.pause_before_ms >= 500);
        CHECK(hit.pause_before_ms <= 2000);
      }
    }
    CHECK(ping.pv_id == last_pv);
    CHECK(ping.url == visit.hits[visit.hits.size() - 2].url);
  }
}

TEST_CASE("over 100,000 visits every probability holds within 4 sigma", "[model]") {
  tf::config::Settings settings;
  settings.direct_traffic_probability = 0.9;  // the predecessor capped direct traffic at 30 %
  const auto catalogue = small_catalogue();
  tf::config::Funnel first = checkout_funnel();
  first.probability = 0.05;
  first.priority = 1;
  tf::config::Funnel second = first;
  second.name = "Second";
  second.probability = 0.10;
  second.priority = 2;
  constexpr std::size_t n = 100'000;
  const auto visits = generate(settings, catalogue, n, {second, first});
  std::map<std::string, std::size_t> seen;
  std::map<int, std::size_t> pageviews;
  std::size_t browsing = 0, funnel_less = 0, browsing_pageviews = 0;  // browsing: not a bounce
  for (const auto& visit : visits) {
    seen["funnel:" + visit.funnel] += 1;
    seen["pooled"] += visit.visitor.pooled ? 1U : 0U;
    seen["campaign"] += visit.campaign.empty() ? 0U : 1U;
    seen["uid"] += visit.visitor.uid.empty() ? 0U : 1U;
    seen["direct"] += visit.hits.front().urlref.empty() ? 1U : 0U;
    if (!visit.funnel.empty()) {
      continue;
    }
    ++funnel_less;
    const auto pages =
      std::count_if(visit.hits.begin(), visit.hits.end(), [](const Hit& h) { return h.kind == HitKind::pageview; });
    seen["product_view"] += static_cast<std::size_t>(
      std::count_if(visit.hits.begin(), visit.hits.end(), [](const Hit& h) { return h.product != nullptr; }));
    browsing_pageviews += static_cast<std::size_t>(pages);
    pageviews[static_cast<int>(pages)] += 1;
    if (pages == 1) {
      CHECK(visit.hits.size() == 2);  // a bounce: the page and the ping, no other action
      continue;
    }
    ++browsing;
    seen["cart"] += has_kind(visit, HitKind::cart_update) ? 1U : 0U;
    seen["search"] += has_kind(visit, HitKind::site_search) ? 1U : 0U;
    seen["outlink"] += has_kind(visit, HitKind::outlink) ? 1U : 0U;
    seen["download"] += has_kind(visit, HitKind::download) ? 1U : 0U;
    seen["order"] += has_kind(visit, HitKind::ecommerce_order) ? 1U : 0U;
    const auto events =
      std::count_if(visit.hits.begin(), visit.hits.end(), [](const Hit& h) { return h.kind == HitKind::event; });
    const bool click = std::any_of(visit.hits.begin(), visit.hits.end(), [](const Hit& h) {
      return h.kind == HitKind::event && !h.e_v &&
        (h.e_c == "Navigation" || h.e_c == "UI" || h.e_c == "Social" || h.e_c == "Form" || h.e_c == "Video" ||
         h.e_c == "CTA");
    });
    seen["click"] += click ? 1U : 0U;
    seen["events"] += static_cast<std::size_t>(events);
  }
  CHECK(within_4_sigma(seen["funnel:Checkout"], n, 0.05));
  CHECK(within_4_sigma(seen["funnel:Second"], n, 0.95 * 0.10));
  CHECK(within_4_sigma(seen["campaign"], n, settings.campaign_probability));
  CHECK(within_4_sigma(seen["uid"], n, settings.logged_in_probability));
  CHECK(within_4_sigma(seen["direct"], n, 0.9));
  // Pool visitors busy in another visit (< 30 min) fall back to fresh ones: a tiny share at 20k/day.
  CHECK(within_4_sigma(seen["pooled"], n, settings.returning_visitor_probability * 0.999));
  CHECK(within_4_sigma(seen["search"], browsing, settings.sitesearch_probability));
  CHECK(within_4_sigma(seen["outlink"], browsing, settings.outlinks_probability));
  CHECK(within_4_sigma(seen["download"], browsing, settings.downloads_probability));
  CHECK(within_4_sigma(seen["order"], browsing, settings.ecommerce_probability));
  CHECK(within_4_sigma(seen["click"], browsing, settings.click_events_probability));
  const double events_mean = settings.click_events_probability + settings.random_events_probability;
  CHECK(std::abs(static_cast<double>(seen["events"]) / static_cast<double>(browsing) - events_mean) < 0.01);
  CHECK(within_4_sigma(seen["cart"], browsing, settings.cart_update_probability));
  CHECK(within_4_sigma(pageviews[1], funnel_less, settings.bounce_probability));
  CHECK(within_4_sigma(seen["product_view"], browsing_pageviews, settings.product_view_probability));
  REQUIRE(pageviews.size() == 5);
  for (int k = 3; k <= 6; ++k) {
    CHECK(within_4_sigma(pageviews[k], browsing, 0.25));
  }
}

TEST_CASE("each visitor's time zone is of their country, or of their language outside the listed countries",
          "[model]") {
  tf::config::Settings settings;
  const auto visits = generate(settings, small_catalogue(), 5000);
  std::set<std::string> zones;
  for (const auto& visit : visits) {
    const auto& v = visit.visitor;
    REQUIRE(v.zone != nullptr);
    const std::string zone(v.zone->name());
    zones.insert(zone);
    if (v.country == "de") {
      CHECK(zone == "Europe/Berlin");
    } else if (v.country == "us" || v.country == "ca") {
      CHECK(zone.rfind("America/", 0) == 0);
    } else if (v.country == "jp") {
      CHECK(zone == "Asia/Tokyo");
    } else if (v.country.empty() && v.lang.view().starts_with("es-ES")) {
      CHECK(zone == "Europe/Madrid");
    } else if (v.country.empty() && v.lang.view().starts_with("zh-CN")) {
      CHECK(zone == "Asia/Shanghai");
    }
  }
  CHECK(zones.size() > 15);
}

TEST_CASE("direct traffic is honoured at 0 and the rest splits 35:15:20", "[model]") {
  tf::config::Settings settings;
  settings.direct_traffic_probability = 0.0;
  const auto catalogue = small_catalogue();
  constexpr std::size_t n = 20'000;
  std::size_t direct = 0;
  std::size_t engines = 0;
  for (const auto& visit : generate(settings, catalogue, n)) {
    const std::string_view ref = visit.hits.front().urlref;
    direct += ref.empty() ? 1U : 0U;
    const auto& search =
      tf::model::site_profile("shop").referrers[static_cast<std::size_t>(tf::model::ReferrerClass::search)];
    engines +=
      std::any_of(search.begin(), search.end(), [&](const auto& r) { return ref.substr(0, r.url.size()) == r.url; })
      ? 1U
      : 0U;
  }
  CHECK(direct == 0);
  CHECK(within_4_sigma(engines, n, 0.5));
}

TEST_CASE("returning visitors reuse a pool profile only after the 30-minute window", "[model]") {
  tf::config::Settings settings;
  settings.returning_visitor_probability = 1.0;
  settings.returning_visitor_pool = 3;
  settings.target_visits_per_day = 86'400;  // one visit a second: the pool is mostly busy
  const auto catalogue = small_catalogue();
  const auto visits = generate(settings, catalogue, 3000);
  std::map<std::string, std::int64_t> busy_until;
  std::size_t returning = 0;
  for (const auto& visit : visits) {
    if (!visit.visitor.pooled) {
      continue;
    }
    const auto it = busy_until.find(visit.visitor.id);
    if (it != busy_until.end()) {
      CHECK(visit.arrival_ms >= it->second + k_visit_window_ms);
      CHECK(visit.visitor.returning);
      ++returning;
    } else {
      CHECK_FALSE(visit.visitor.returning);
    }
    busy_until[visit.visitor.id] = visit.arrival_ms + visit.duration_ms;
  }
  CHECK(busy_until.size() == 3);
  CHECK(returning > 0);
}

TEST_CASE("drawn orders add up to the cent and stay within the value bounds", "[model]") {
  const OrderLimits limits = order_limits(tf::config::Settings{});
  for (std::uint64_t k = 0; k < 20'000; ++k) {
    tf::Rng rng = tf::Rng::stream(3, k);
    const Order order = draw_order(rng, limits, "X");
    Cents sum = 0;
    for (const auto& item : order.items) {
      CHECK(item.price > 0);
      CHECK(item.quantity >= 1);
      sum += item.price * item.quantity;
    }
    REQUIRE(order.subtotal == sum);
    REQUIRE(order.revenue == order.subtotal + order.tax + order.shipping - order.discount);
    REQUIRE(order.revenue >= limits.value_min);
    REQUIRE(order.revenue <= limits.value_max);
  }
}

TEST_CASE("order overrides are used exactly and the rest is derived", "[model]") {
  const OrderLimits limits = order_limits(tf::config::Settings{});
  tf::Rng rng(5);
  const Order by_revenue = draw_order(rng, limits, "A", OrderOverrides{10000, std::nullopt, std::nullopt, 500});
  CHECK(by_revenue.revenue == 10000);
  CHECK(by_revenue.shipping == 500);
  CHECK(by_revenue.discount <= 1);
  CHECK(by_revenue.subtotal + by_revenue.tax + by_revenue.shipping - by_revenue.discount == 10000);
  const Order by_subtotal = draw_order(rng, limits, "B", OrderOverrides{std::nullopt, 4999, 0, 0});
  CHECK(by_subtotal.subtotal == 4999);
  CHECK(by_subtotal.revenue == 4999);
  const Order all = draw_order(rng, limits, "C", OrderOverrides{5000, 4000, 300, 200});
  CHECK(all.revenue == 5000);
  CHECK(all.shipping == 700);  // the shortfall of 5.00 goes to shipping
  CHECK(all.subtotal + all.tax + all.shipping - all.discount == 5000);
  const Order excess = draw_order(rng, limits, "D", OrderOverrides{4000, 4000, 300, 200});
  CHECK(excess.discount == 500);
}

TEST_CASE("a funnel runs its steps in order, with delays, a goal and a continuing browsing part", "[model]") {
  tf::config::Settings settings;
  const auto catalogue = small_catalogue();
  auto funnel = checkout_funnel();
  funnel.exit_after_completion = false;
  const auto visits = generate(settings, catalogue, 50, {funnel});
  for (const auto& visit : visits) {
    REQUIRE(visit.funnel == "Checkout");
    const auto& h = visit.hits;
    REQUIRE(h.size() >= 5 + 3 + 1);
    CHECK(h[0].url.view().rfind("https://example.test/cart", 0) == 0);
    CHECK(h[1].url == "https://example.test/cart");
    CHECK(h[0].action_name == "Funnel: Checkout (1/5)");
    CHECK(h[1].kind == HitKind::site_search);
    CHECK(h[1].search == "shoes");
    CHECK(h[1].offset_ms >= 10'000);
    CHECK(h[1].offset_ms <= 20'000);
    CHECK(h[2].kind == HitKind::event);
    CHECK(h[2].e_v == 2.5);
    CHECK(h[3].kind == HitKind::ecommerce_order);
    CHECK(h[3].order->revenue == 10000);
    CHECK(h[4].kind == HitKind::goal);
    CHECK(h[4].idgoal == 3);
    CHECK(h[4].goal_revenue == 1250);
    CHECK(h[4].offset_ms == h[3].offset_ms + 5000);
    CHECK(h[5].kind == HitKind::pageview);
    CHECK_FALSE(h[5].new_visit);
    CHECK(std::count_if(h.begin(), h.end(), [](const Hit& x) { return x.new_visit; }) == 1);
    CHECK(h.back().kind == HitKind::ping);
  }
}

TEST_CASE("visitors have hex ids, consistent devices and languages, and no bot IPs", "[model]") {
  CHECK(user_agents().size() >= 30);
  std::set<std::string> browsers;
  for (const auto& ua : user_agents()) {
    for (const char* name : {"Chrome/", "Safari/", "Firefox/", "Edg", "SamsungBrowser/"}) {
      if (ua.text.find(name) != std::string_view::npos) {
        browsers.insert(name);
      }
    }
  }
  CHECK(browsers.size() == 5);
  for (std::uint64_t k = 0; k < 5000; ++k) {
    tf::Rng rng = tf::Rng::stream(9, k);
    const Visitor visitor = draw_visitor(rng, 0.5);
    REQUIRE(visitor.id.size() == 16);
    CHECK(visitor.id.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK((visitor.uid.empty() || visitor.uid == "user-" + visitor.id));
    CHECK(visitor.ip != "1.202.218.8");
    CHECK(visitor.ip.rfind("74.125.", 0) != 0);
    const auto& ua = *std::find_if(user_agents().begin(), user_agents().end(),
                                   [&](const UserAgent& u) { return u.text == visitor.user_agent; });
    const auto sizes = resolutions(ua.device);
    CHECK(std::find(sizes.begin(), sizes.end(), visitor.res) != sizes.end());
    const auto& country = *std::find_if(countries().begin(), countries().end(),
                                        [&](const Country& c) { return c.code == visitor.country; });
    CHECK(std::find(country.languages.begin(), country.languages.end(), visitor.lang) != country.languages.end());
  }
}
