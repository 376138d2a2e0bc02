#include "matomo/encode.hpp"

#include <chrono>
#include <cstdlib>

#include <date/tz.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tf::matomo {
namespace {

constexpr std::int64_t k_day_s = 86'400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// Writes parameters into an existing Params, reusing its strings' storage.
class ParamWriter {
public:
  explicit ParamWriter(Params& out) : m_out(out) {}
  ~ParamWriter() { m_out.resize(m_count); }
  ParamWriter(const ParamWriter&) = delete;
  ParamWriter& operator=(const ParamWriter&) = delete;

  void put(std::string_view key, std::string_view value) {
    if (m_count < m_out.size()) {
      m_out[m_count].first.assign(key);
      m_out[m_count].second.assign(value);
    } else {
      m_out.emplace_back(std::string(key), std::string(value));
    }
    ++m_count;
  }
  void put_if(std::string_view key, std::string_view value) {
    if (!value.empty()) {
      put(key, value);
    }
  }
  void put_int(std::string_view key, std::int64_t value) {
    const fmt::format_int text(value);
    put(key, std::string_view(text.data(), text.size()));
  }

private:
  Params& m_out;
  std::size_t m_count = 0;
};

void put_time(ParamWriter& w, std::int64_t at_ms, const date::time_zone* zone) {
  const std::int64_t at_s = floor_div(at_ms, 1000);
  w.put_int("cdt", at_s);
  std::int64_t local_s = at_s;
  if (zone != nullptr) {
    const auto info = zone->get_info(date::sys_seconds{std::chrono::seconds{at_s}});
    local_s += info.offset.count();
  }
  const std::int64_t of_day = local_s - floor_div(local_s, k_day_s) * k_day_s;
  w.put_int("h", of_day / 3600);
  w.put_int("m", (of_day / 60) % 60);
  w.put_int("s", of_day % 60);
}

void put_order(ParamWriter& w, const model::Order& order) {
  w.put("idgoal", "0");
  w.put("ec_id", order.id);
  w.put("ec_items", ec_items_json(order));
  w.put("revenue", format_cents(order.revenue));
  w.put("ec_st", format_cents(order.subtotal));
  w.put("ec_tx", format_cents(order.tax));
  w.put("ec_sh", format_cents(order.shipping));
  w.put("ec_dt", format_cents(order.discount));
}

void put_kind(ParamWriter& w, const model::Hit& hit) {
  using model::HitKind;
  switch (hit.kind) {
    case HitKind::pageview: break;
    case HitKind::site_search:
      w.put("search", hit.search);
      w.put_if("search_cat", hit.search_cat);
      if (hit.search_count >= 0) {
        w.put_int("search_count", hit.search_count);
      }
      break;
    case HitKind::outlink: w.put("link", hit.link); break;
    case HitKind::download: w.put("download", hit.link); break;
    case HitKind::event:
      w.put("e_c", hit.e_c);
      w.put("e_a", hit.e_a);
      w.put_if("e_n", hit.e_n);
      if (hit.e_v) {
        w.put("e_v", fmt::format("{}", *hit.e_v));
      }
      break;
    case HitKind::ecommerce_order:
      if (hit.order) {
        put_order(w, *hit.order);
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

} // namespace

std::string format_cents(model::Cents cents) {
  const model::Cents magnitude = cents < 0 ? -cents : cents;
  return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}

std::string ec_items_json(const model::Order& order) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : order.items) {
    items.push_back({item.sku, item.name, item.category, static_cast<double>(item.price) / 100.0, item.quantity});
  }
  return items.dump();
}

void encode_hit(const model::Visit& visit, std::size_t index, const EncodeContext& ctx, Params& out) {
  const model::Hit& hit = visit.hits.at(index);
  const model::Visitor& visitor = visit.visitor;
  ParamWriter w(out);
  w.put_int("idsite", ctx.site_id);
  w.put("rec", "1");
  w.put("url", hit.url);
  w.put_if("action_name", hit.action_name);
  w.put("_id", visitor.id);
  w.put("cid", visitor.id);
  w.put_if("uid", visitor.uid);
  put_time(w, ctx.anchor_ms + hit.offset_ms, ctx.time_zone);
  if (hit.new_visit) {
    w.put("new_visit", "1");
  }
  w.put_if("urlref", hit.urlref);
  w.put_if("pv_id", hit.pv_id);
  w.put_if("ua", visitor.user_agent);
  w.put_if("lang", visitor.lang);
  w.put_if("res", visitor.res);
  if (ctx.has_token && ctx.send_cip) {
    w.put_if("cip", visitor.ip);
  }
  put_kind(w, hit);
}

Params encode_hit(const model::Visit& visit, std::size_t hit, const EncodeContext& ctx) {
  Params out;
  out.reserve(24);
  encode_hit(visit, hit, ctx, out);
  return out;
}

} // namespace tf::matomo
