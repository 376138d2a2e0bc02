#pragma once
// Internal to encode.cpp and bulk_writer.cpp: the one definition of a hit's parameters and their
// order (encode.hpp), written through any Writer with
//   put(key, value)             a string value
//   put_int(key, value)         an integer value
//   put_recurring(key, value)   a string value that recurs between hits (a memo may help)
//   put_items(key, order)       ec_items: the order's items as JSON (ec_items_json)
// and optionally
//   put_text(key, text, recurring)   a model::Text (an interned one may carry its encoding);
//                                    without it, put_recurring (recurring) or put
#include <array>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "matomo/encode.hpp"
#include "model/catalogues.hpp"
#include "model/visit.hpp"

namespace date {
class time_zone;
}

namespace tf::matomo::detail {

/// A hit's stamped time: cdt (UNIX s) and the local wall clock h/m/s.
struct HitTime {
  std::int64_t cdt = 0, h = 0, m = 0, s = 0;
};

/// The stamp of the instant `at_ms` (UNIX ms) in `zone` (UTC if null).
HitTime hit_time(std::int64_t at_ms, const date::time_zone* zone);

/// The zone of a hit's local h/m/s: the visitor's (their country's), else the context's (the site's).
inline const date::time_zone* local_zone(const model::Visit& visit, const EncodeContext& ctx) {
  return visit.visitor.zone != nullptr ? visit.visitor.zone : ctx.time_zone;
}

template <class Writer>
void put_if(Writer& w, std::string_view key, std::string_view value) {
  if (!value.empty()) {
    w.put(key, value);
  }
}

/// A Text value: through the writer's put_text when it has one, else as put_recurring
/// (`recurring`) or put. Empty texts are skipped when `skip_empty`.
template <class Writer>
[[gnu::always_inline]] inline void put_text(Writer& w, std::string_view key, const model::Text& value, bool recurring,
                                            bool skip_empty) {
  if (skip_empty && value.empty()) {
    return;
  }
  if constexpr (requires { w.put_text(key, value, recurring); }) {
    w.put_text(key, value, recurring);
  } else if (recurring) {
    w.put_recurring(key, value.view());
  } else {
    w.put(key, value.view());
  }
}

template <class Writer>
void put_order(Writer& w, const model::Order& order) {
  w.put("idgoal", "0");
  w.put("ec_id", order.id);
  w.put_items("ec_items", order);
  w.put("revenue", format_cents(order.revenue));
  w.put("ec_st", format_cents(order.subtotal));
  w.put("ec_tx", format_cents(order.tax));
  w.put("ec_sh", format_cents(order.shipping));
  w.put("ec_dt", format_cents(order.discount));
}

/// A product page view: name, SKU, category and list price (Matomo's setEcommerceView).
template <class Writer>
void put_product(Writer& w, const model::Product& product) {
  w.put("_pkn", product.name);
  w.put("_pks", product.sku);
  w.put("_pkc", product.category);
  w.put("_pkp", format_cents(product.base_price_cents));
}

template <class Writer>
void put_kind(Writer& w, const model::Hit& hit) {
  using model::HitKind;
  switch (hit.kind) {
    case HitKind::pageview:
      if (hit.product != nullptr) {
        put_product(w, *hit.product);
      }
      if (hit.has_perf) {
        constexpr std::array<std::string_view, 6> k_names{"pf_net", "pf_srv", "pf_tfr", "pf_dm1", "pf_dm2", "pf_onl"};
        for (std::size_t k = 0; k < k_names.size(); ++k) {
          w.put_int(k_names[k], hit.perf[k]);
        }
      }
      break;
    case HitKind::content:
      if (hit.content != nullptr) {
        if (hit.content_click) {
          w.put("c_i", "click");
        }
        w.put("c_n", hit.content->name);
        w.put("c_p", hit.content->piece);
        w.put("c_t", hit.content->target);
      }
      break;
    case HitKind::site_search:
      w.put("search", hit.search);
      put_if(w, "search_cat", hit.search_cat);
      if (hit.search_count >= 0) {
        w.put_int("search_count", hit.search_count);
      }
      break;
    case HitKind::outlink: w.put("link", hit.link); break;
    case HitKind::download: w.put("download", hit.link); break;
    case HitKind::event:
      w.put("e_c", hit.e_c);
      w.put("e_a", hit.e_a);
      put_if(w, "e_n", hit.e_n);
      if (hit.e_v) {
        w.put("e_v", fmt::format("{}", *hit.e_v));
      }
      break;
    case HitKind::ecommerce_order:
      if (hit.order) {
        put_order(w, *hit.order);
      }
      break;
    case HitKind::cart_update:
      if (hit.order) {
        w.put("idgoal", "0");
        w.put_items("ec_items", *hit.order);
        w.put("revenue", format_cents(hit.order->revenue));
      }
      break;
    case HitKind::goal:
      w.put_int("idgoal", hit.idgoal);
      if (hit.goal_revenue) {
        w.put("revenue", format_cents(*hit.goal_revenue));
      }
      break;
    case HitKind::ping: w.put("ping", "1"); break;
  }
}

/// The visitor's pairs, the same in every hit of a visit: they come in two runs, `ids` (_id, cid,
/// uid, after action_name) and `client` (ua, lang, res, cip, after pv_id). A writer with
/// put_visitor(visit, ctx, part) writes a run at once (encoded once per visit); the others
/// get its pairs one by one.
enum class VisitorPart { ids, client };

template <class Writer>
[[gnu::always_inline]] inline void put_visitor_ids(Writer& w, const model::Visitor& visitor) {
  w.put("_id", visitor.id);
  w.put("cid", visitor.id);
  put_if(w, "uid", visitor.uid);
}

template <class Writer>
[[gnu::always_inline]] inline void put_visitor_client(Writer& w, const model::Visitor& visitor,
                                                      const EncodeContext& ctx) {
  put_text(w, "ua", visitor.user_agent, true, true);
  put_text(w, "lang", visitor.lang, true, true);
  put_text(w, "res", visitor.res, false, true);
  if (ctx.has_token && ctx.send_cip) {
    put_if(w, "cip", visitor.ip);
  }
}

/// The one definition of a hit's parameters and their order (see encode.hpp).
template <class Writer>
void put_hit(Writer& w, const model::Visit& visit, std::size_t index, const EncodeContext& ctx, const HitTime& t) {
  const model::Hit& hit = visit.hits[index];
  const model::Visitor& visitor = visit.visitor;
  w.put_int("idsite", ctx.site_id);
  w.put("rec", "1");
  put_text(w, "url", hit.url, true, false);
  put_text(w, "action_name", hit.action_name, false, true);
  if constexpr (requires { w.put_visitor(visit, ctx, VisitorPart::ids); }) {
    w.put_visitor(visit, ctx, VisitorPart::ids);
  } else {
    put_visitor_ids(w, visitor);
  }
  w.put_int("cdt", t.cdt);
  w.put_int("h", t.h);
  w.put_int("m", t.m);
  w.put_int("s", t.s);
  if (hit.new_visit) {
    w.put("new_visit", "1");
  }
  put_text(w, "urlref", model::referrer_text(visit, index), true, true);
  put_if(w, "pv_id", hit.pv_id);
  if constexpr (requires { w.put_visitor(visit, ctx, VisitorPart::client); }) {
    w.put_visitor(visit, ctx, VisitorPart::client);
  } else {
    put_visitor_client(w, visitor, ctx);
  }
  for (const auto& [id, value] : hit.dimensions) {
    std::array<char, 24> name{};
    const auto end = fmt::format_to_n(name.data(), name.size(), "dimension{}", id).out;
    w.put(std::string_view(name.data(), static_cast<std::size_t>(end - name.data())), value);
  }
  put_kind(w, hit);
}

}  // namespace tf::matomo::detail
