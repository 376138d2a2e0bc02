#pragma once
// A simulated visit, built completely before its first hit is sent. Pure data: no wire format
// (that is matomo/), no absolute send times (cdt and local h/m/s are stamped by the encoder).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/text.hpp"

namespace date {
class time_zone;
}

namespace tf::model {

struct Product;  // catalogues.hpp
struct ContentBlock;  // catalogues.hpp

/// Page performance timings in ms (Matomo's pf_net, pf_srv, pf_tfr, pf_dm1, pf_dm2, pf_onl).
using PerfTimings = std::array<std::uint16_t, 6>;

enum class HitKind : std::uint8_t {
  pageview,
  site_search,
  outlink,
  download,
  event,
  content,
  ecommerce_order,
  cart_update,
  goal,
  ping
};

const char* to_string(HitKind kind);

/// Money in cents, so that order arithmetic adds up exactly.
using Cents = std::int64_t;

struct OrderItem {
  std::string sku, name, category;
  Cents price = 0;
  int quantity = 1;
};

/// Invariants: subtotal == Σ price × quantity; revenue == subtotal + tax + shipping − discount.
struct Order {
  std::string id;  ///< ec_id, unique per (seed, visit)
  std::vector<OrderItem> items;
  Cents subtotal = 0, tax = 0, shipping = 0, discount = 0, revenue = 0;
};

/// A page view id (pv_id): up to 7 characters held inline, so a hit keeps 8 bytes for it where a
/// std::string takes 32 (10,000 visits in progress hold ~60,000 hits).
class PvId {
public:
  static constexpr std::size_t k_capacity = 7;
  PvId() noexcept = default;
  PvId(std::string_view text) { assign(text); }  // NOLINT(google-explicit-constructor)
  PvId(const std::string& text) { assign(text); }  // NOLINT(google-explicit-constructor)
  PvId(const char* text) { assign(text); }  // NOLINT(google-explicit-constructor)

  std::string_view view() const noexcept { return {m_chars.data(), m_size}; }
  operator std::string_view() const noexcept { return view(); }  // NOLINT(google-explicit-constructor)
  bool empty() const noexcept { return m_size == 0; }
  std::size_t size() const noexcept { return m_size; }

  friend bool operator==(const PvId& a, const PvId& b) noexcept { return a.view() == b.view(); }
  friend bool operator==(const PvId& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator==(const PvId& a, const std::string& b) noexcept { return a.view() == b; }
  friend bool operator==(const PvId& a, const char* b) noexcept { return a.view() == b; }

private:
  void assign(std::string_view text) {
    if (text.size() > k_capacity) {
      throw std::length_error("model::PvId: longer than 7 characters");
    }
    std::copy_n(text.data(), text.size(), m_chars.data());
    m_size = static_cast<std::uint8_t>(text.size());
  }

  std::array<char, k_capacity> m_chars{};
  std::uint8_t m_size = 0;
};

// Members ordered by alignment, so that a hit has no padding (208 bytes): 10,000 visits in
// progress hold ~60,000 of them.
struct Hit {
  HitKind kind = HitKind::pageview;
  bool new_visit = false;  ///< first hit of every visit
  bool has_perf = false;  ///< page performance timings (perf) sent with a pageview
  bool content_click = false;  ///< with content: an interaction (c_i=click), else an impression
  int search_count = -1;  ///< site search: -1 = not sent
  std::int64_t offset_ms = 0;  ///< simulated time since the visit start; non-decreasing
  std::int64_t pause_before_ms = 0;  ///< real pause before sending (0 for the first hit)
  Text url;  ///< absolute page URL (campaign params on the landing hit only)
  Text action_name;  ///< page title or action label; empty = none
  Text urlref;  ///< first hit: external referrer (empty = direct); later hits:
                ///< empty, their referrer is derived (referrer_of)
  PvId pv_id;  ///< 6 alphanumerics on pageview-like hits; ping and content: the last pv_id
  // site search
  Text search, search_cat;
  // outlink / download target URL (absolute)
  Text link;
  // event
  Text e_c, e_a, e_n;
  std::optional<double> e_v;
  // product page view (a pageview with _pkn, _pks, _pkc, _pkp): the catalogue's product, static
  const Product* product = nullptr;
  PerfTimings perf{};  ///< with has_perf
  int idgoal = -1;  ///< -1 none, 0 ecommerce, >0 goal id
  // content impression (c_n, c_p, c_t) or, with content_click, interaction (c_i=click)
  const ContentBlock* content = nullptr;
  // ecommerce order (idgoal=0 with ec_id), cart update (idgoal=0, order without an id: ec_items
  // and revenue only) or goal conversion (idgoal>0); shared and immutable, so a hit stays small
  // (most hits have none) and copies of a visit share it
  std::shared_ptr<const Order> order;
  std::optional<Cents> goal_revenue;
  /// custom dimensions (dimension<id>=value; model/dimensions.hpp); empty without CUSTOM_DIMENSIONS
  std::vector<std::pair<int, Text>> dimensions;
};

/// A catalogue page's URL and title, interned (Text::intern): the hits of it share them.
struct PageText {
  Text url, title;
};

struct Visitor {
  std::string id;  ///< 16 lowercase hex: sent as _id and cid
  std::string uid;  ///< logged-in user id, empty when anonymous
  std::string ip;  ///< sent as cip only when the target has a token
  // Drawn from the fixed catalogues (model/catalogues.hpp) and interned (Text::intern): every
  // visitor shares the catalogue's one copy, and the wire module its percent-encodings.
  Text user_agent;
  Text lang;  ///< Accept-Language style, e.g. "de-DE,de;q=0.9,en;q=0.8"
  Text res;  ///< "1920x1080"
  std::string country;  ///< ISO code of the IP's bucket (informational, never sent)
  const date::time_zone* zone = nullptr;  ///< the visitor's time zone (local h/m/s); null = the site's
  bool returning = false;  ///< a pool visitor seen in an earlier visit (Matomo: returning)
  bool pooled = false;  ///< drawn from the returning-visitor pool (first visit or later)
  std::size_t slot = 0;  ///< the pool slot when `pooled`
  std::uint64_t key = 0;  ///< stable per visitor: routing and ordering key
};

struct Visit {
  std::uint64_t index = 0;  ///< visit number i: content depends only on (seed, i)
  Visitor visitor;
  /// Simulated start, ms since the UNIX epoch (UTC). nullopt in realtime mode: hits are dated
  /// at send time by the rule of model/timing.hpp.
  std::optional<std::int64_t> start_ms;
  std::int64_t duration_ms = 0;  ///< simulated length: offset of the last hit
  /// Simulated arrival since the start of the run (Poisson schedule at TARGET_VISITS_PER_DAY),
  /// ms. Drives the returning-visitor bookkeeping; `generate` anchors realtime visits on it.
  std::int64_t arrival_ms = 0;
  std::string funnel;  ///< funnel name, empty for a browsing visit
  std::string campaign;  ///< mtm_campaign of the landing, empty if none
  std::vector<Hit> hits;
};

/// The referrer sent with hit `i` of `visit`: the landing referrer on the first hit, none on the
/// closing ping, the previous hit's page on the others. Not stored per hit: 10,000 visits in
/// progress would hold a copy of every URL twice.
inline const Text& referrer_text(const Visit& visit, std::size_t i) {
  static const Text k_none;
  if (i == 0) {
    return visit.hits[0].urlref;
  }
  return visit.hits[i].kind == HitKind::ping ? k_none : visit.hits[i - 1].url;
}
inline std::string_view referrer_of(const Visit& visit, std::size_t i) { return referrer_text(visit, i); }

}  // namespace tf::model
