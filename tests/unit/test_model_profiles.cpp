// Issue 16, site profiles: every built-in profile parses, the unknown one is refused naming the
// known ones, a bad profile line is refused naming file, line and kind; over 100,000 visits per
// profile (its own pages) every page, search term, outlink, download, event, product, order line,
// content block, campaign and referrer comes from that profile alone (no cross-profile leakage),
// and the shares of the behaviour settings hold within 4 sigma.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "config/catalogue.hpp"
#include "config/embedded.hpp"
#include "error_of.hpp"
#include "model/generator.hpp"
#include "model/site_profile.hpp"
#include "model/visit_builder.hpp"
#include "sigma.hpp"

using namespace tf::model;
using tf::testing::error_of;
using tf::testing::within_4_sigma;

namespace {

/// Everything a profile may send, as strings.
struct Allowed {
  std::set<std::string> pages, terms, categories, links, events, skus, content, campaigns, referrer_hosts;
};

std::string host_of(std::string_view url) {
  const auto start = url.find("://") + 3;
  return std::string(url.substr(start, url.find_first_of("/?", start) - start));
}

/// The URL without its query (campaign landings carry mtm_* parameters).
std::string without_query(std::string_view url) { return std::string(url.substr(0, url.find('?'))); }

Allowed allowed_of(const SiteProfile& p, const tf::config::UrlCatalogue& pages) {
  Allowed a;
  for (const auto& page : pages.pages) {
    a.pages.insert(page.url);
  }
  const std::string origin = origin_of(pages.pages.front().url);
  for (const auto& product : p.products) {
    a.pages.insert(product_url(origin, product));
    a.skus.insert(std::string(product.sku));
  }
  a.terms.insert(p.search_terms.begin(), p.search_terms.end());
  a.categories.insert(p.search_categories.begin(), p.search_categories.end());
  a.links.insert(p.outlinks.begin(), p.outlinks.end());
  for (const auto& d : p.downloads) {
    a.links.insert(d.front() == '/' ? origin + std::string(d) : std::string(d));
  }
  for (const auto* list : {&p.click_events, &p.random_events}) {
    for (const auto& e : *list) {
      a.events.insert(std::string(e.category) + "/" + std::string(e.action) + "/" + std::string(e.name));
    }
  }
  for (const auto& c : p.content) {
    a.content.insert(std::string(c.name) + "/" + std::string(c.piece));
  }
  a.campaigns.insert(p.campaigns.begin(), p.campaigns.end());
  for (const auto& group : p.referrers) {
    for (const auto& r : group) {
      a.referrer_hosts.insert(host_of(r.url));
    }
  }
  return a;
}

struct Tally {
  std::size_t leaks = 0, browsing = 0, pageviews = 0, bounces = 0, funnel_less = 0;
  std::map<std::string, std::size_t> seen;
};

void check_hit(const Hit& hit, const Allowed& a, Tally& t) {
  auto expect = [&](const std::set<std::string>& set, const std::string& value) {
    if (set.count(value) == 0) {
      ++t.leaks;
      UNSCOPED_INFO("not of this profile: " << value);
    }
  };
  if (hit.kind != HitKind::ping && hit.kind != HitKind::content) {
    expect(a.pages, without_query(hit.url.view()));
  }
  if (hit.kind == HitKind::site_search) {
    expect(a.terms, std::string(hit.search.view()));
    if (!hit.search_cat.empty()) {
      expect(a.categories, std::string(hit.search_cat.view()));
    }
  }
  if (hit.kind == HitKind::outlink || hit.kind == HitKind::download) {
    expect(a.links, std::string(hit.link.view()));
  }
  if (hit.kind == HitKind::event) {
    expect(a.events,
           std::string(hit.e_c.view()) + "/" + std::string(hit.e_a.view()) + "/" + std::string(hit.e_n.view()));
  }
  if (hit.product != nullptr) {
    expect(a.skus, std::string(hit.product->sku));
  }
  if (hit.order) {
    for (const auto& item : hit.order->items) {
      expect(a.skus, item.sku);
    }
  }
  if (hit.content != nullptr) {
    expect(a.content, std::string(hit.content->name) + "/" + std::string(hit.content->piece));
  }
}

}  // namespace

TEST_CASE("the built-in profiles are shop (first, the default), blog, docs and saas, and all parse", "[model]") {
  std::vector<std::string> names;
  for (const auto& embedded : tf::config::embedded_profiles()) {
    names.emplace_back(embedded.name);
    const SiteProfile& profile = site_profile(embedded.name);
    CHECK(profile.name == embedded.name);
    CHECK(profile.products.size() >= 10);
    CHECK(tf::config::builtin_catalogue(embedded.name).pages.size() >= 100);
  }
  CHECK(names == std::vector<std::string>{"shop", "blog", "docs", "saas"});
  CHECK(tf::config::profile_choices() == "shop|blog|docs|saas");
  CHECK(tf::config::Settings{}.site_profile == "shop");
  CHECK(error_of([] { site_profile("news"); }) == "SITE_PROFILE: expected one of shop|blog|docs|saas, found \"news\"");
}

TEST_CASE("a bad profile line is refused naming the file, the line, the kind, expected and found", "[model]") {
  const std::string referrers =
    "search\thttps://www.bing.com/search\tq\nsocial\thttps://t.co/\t-\nwebsite\thttps://a.example/\t-\n";
  std::string lists;
  for (const char* kind :
       {"engine_keyword\tx", "search_term\tx", "search_category\tx", "outlink\thttps://x.example", "download\t/x.pdf",
        "click_event\tC\tA\tN\t-", "random_event\tC\tA\tN\t5", "product\tSKU-1\tName\tCat\t12.99", "content\tN\tP\tT",
        "campaign\tx", "campaign_keyword\tx"}) {
    lists += std::string(kind) + "\n";
  }
  auto parse = [&](const std::string& text, const std::string& refs) {
    return error_of([&] { parse_site_profile("t", text, "t.tsv", refs, "t.referrers.tsv"); });
  };
  CHECK(parse(lists, referrers) == "no error");
  CHECK(parse_site_profile("t", lists, "t.tsv", referrers, "r").products.front().base_price_cents == 1299);
  CHECK(parse("# c\nproduct\tSKU-2\tName\n" + lists, referrers) ==
        "t.tsv:2: product: expected 4 tab-separated field(s) (SKU, NAME, CATEGORY, PRICE (e.g. 12.99)), found 2");
  CHECK(parse(lists + "widget\tx\n", referrers).rfind("t.tsv:12: kind: expected one of engine_keyword,", 0) == 0);
  CHECK(parse(lists + "product\tSKU-1\tOther\tCat\t1.00\n", referrers) ==
        "t.tsv:12: product: SKU: expected a SKU not listed before, found 'SKU-1' again");
  CHECK(parse(lists + "product\tSKU-3\tOther\tCat\t1.999\n", referrers) ==
        "t.tsv:12: product: price: expected a price > 0 with at most two decimals, found '1.999'");
  CHECK(parse(lists + "random_event\tC\tA\tN\tlots\n", referrers) ==
        "t.tsv:12: random_event: value: expected '-' or a number >= 0, found 'lots'");
  CHECK(parse(lists + "outlink\t/relative\n", referrers) ==
        "t.tsv:12: outlink: expected an absolute http(s) URL, found '/relative'");
  CHECK(parse(lists.substr(lists.find('\n') + 1), referrers) ==
        "t.tsv: engine_keyword: expected at least one entry, found none");
  CHECK(parse(lists, referrers.substr(0, referrers.rfind("website"))) ==
        "t.referrers.tsv: expected at least one referrer of class website, found none");
}

TEST_CASE("over 100,000 visits per profile everything sent is of that profile and the shares hold", "[model]") {
  for (const auto& embedded : tf::config::embedded_profiles()) {
    INFO("profile " << embedded.name);
    tf::config::Settings s;
    s.site_profile = std::string(embedded.name);
    s.sitesearch_probability = 0.3;
    s.outlinks_probability = 0.2;
    s.downloads_probability = 0.2;
    s.ecommerce_probability = 0.1;
    s.cart_update_probability = 0.2;
    s.campaign_probability = 0.1;
    s.content_impression_probability = 0.3;
    s.direct_traffic_probability = 0.2;
    const auto& pages = tf::config::builtin_catalogue(embedded.name);
    const SiteProfile& profile = site_profile(embedded.name);
    const Allowed allowed = allowed_of(profile, pages);
    VisitGenerator generator(s, pages, {}, 23);
    Tally t;
    constexpr std::size_t n = 100'000;
    for (std::uint64_t i = 0; i < n; ++i) {
      const Visit visit = generator.build(i);
      const std::string_view ref = visit.hits.front().urlref.view();
      t.seen["referred"] += ref.empty() ? 0U : 1U;
      if (!ref.empty() && allowed.referrer_hosts.count(host_of(ref)) == 0) {
        ++t.leaks;
        UNSCOPED_INFO("referrer not of this profile: " << ref);
      }
      if (!visit.campaign.empty()) {
        ++t.seen["campaign"];
        t.leaks += allowed.campaigns.count(visit.campaign) == 0 ? 1U : 0U;
      }
      std::set<HitKind> kinds;
      std::size_t pageviews = 0;
      for (const auto& hit : visit.hits) {
        check_hit(hit, allowed, t);
        kinds.insert(hit.kind);
        pageviews += hit.kind == HitKind::pageview ? 1U : 0U;
      }
      if (pageviews == 1) {
        ++t.bounces;
        continue;
      }
      ++t.browsing;
      t.seen["search"] += kinds.count(HitKind::site_search);
      t.seen["outlink"] += kinds.count(HitKind::outlink);
      t.seen["download"] += kinds.count(HitKind::download);
      t.seen["order"] += kinds.count(HitKind::ecommerce_order);
      t.seen["cart"] += kinds.count(HitKind::cart_update);
    }
    CHECK(t.leaks == 0);
    CHECK(within_4_sigma(t.bounces, n, s.bounce_probability));
    CHECK(within_4_sigma(t.seen["referred"], n, 1 - s.direct_traffic_probability));
    CHECK(within_4_sigma(t.seen["campaign"], n, s.campaign_probability));
    CHECK(within_4_sigma(t.seen["search"], t.browsing, s.sitesearch_probability));
    CHECK(within_4_sigma(t.seen["outlink"], t.browsing, s.outlinks_probability));
    CHECK(within_4_sigma(t.seen["download"], t.browsing, s.downloads_probability));
    CHECK(within_4_sigma(t.seen["order"], t.browsing, s.ecommerce_probability));
    CHECK(within_4_sigma(t.seen["cart"], t.browsing, s.cart_update_probability));
  }
}

TEST_CASE("profiles do not share products: a blog never sends a shop SKU", "[model]") {
  std::map<std::string, std::string> owner;
  for (const auto& embedded : tf::config::embedded_profiles()) {
    for (const auto& product : site_profile(embedded.name).products) {
      const auto [it, fresh] = owner.emplace(std::string(product.sku), std::string(embedded.name));
      INFO(product.sku << " in " << it->second << " and " << embedded.name);
      CHECK(fresh);
    }
  }
}
