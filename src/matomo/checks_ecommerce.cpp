// Ecommerce rules of check_hit (matomo-tracking.md §1.6, §7.2 item 14).
#include <cmath>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "matomo/checks_detail.hpp"
#include "matomo/values.hpp"

namespace tf::matomo::detail {
namespace {

/// A JSON number, or a string in Matomo's float syntax.
std::optional<double> json_number(const nlohmann::json& value) {
  if (value.is_number()) {
    return value.get<double>();
  }
  if (value.is_string()) {
    return parse_float(value.get_ref<const std::string&>());
  }
  return std::nullopt;
}

std::int64_t to_cents(double amount) { return std::llround(amount * 100.0); }

/// Validates one `[sku, name, category, price, quantity]` item; returns price × quantity in cents.
std::optional<std::int64_t> item_total(const nlohmann::json& item, std::string& why) {
  if (!item.is_array() || item.empty()) {
    why = "an item is not an array";
    return std::nullopt;
  }
  const auto& sku = item[0];
  if (!(sku.is_string() && !sku.get_ref<const std::string&>().empty()) && !sku.is_number()) {
    why = "an item has no SKU";
    return std::nullopt;
  }
  if (item.size() > 2) {
    const auto& category = item[2];
    const bool ok = category.is_string() || category.is_null() || (category.is_array() && category.size() <= 5);
    if (!ok) {
      why = "an item category is not a string or an array of up to 5";
      return std::nullopt;
    }
  }
  const auto price = item.size() > 3 ? json_number(item[3]) : std::optional<double>{0.0};
  const auto quantity = item.size() > 4 ? json_number(item[4]) : std::optional<double>{1.0};
  if (!price || !quantity) {
    why = "an item price or quantity is not numeric";
    return std::nullopt;
  }
  if (*quantity < 1) {
    why = "an item quantity is below 1";
    return std::nullopt;
  }
  return to_cents(*price) * static_cast<std::int64_t>(*quantity);
}

/// Σ price × quantity in cents, or nullopt (with a reported violation) when ec_items is invalid.
std::optional<std::int64_t> items_subtotal(std::string_view raw, Findings& out) {
  const auto json = nlohmann::json::parse(raw, nullptr, false);
  if (!json.is_array()) {
    out.strict("BAD_EC_ITEMS", "ec_items is not a JSON array (Matomo drops the whole order)");
    return std::nullopt;
  }
  std::int64_t total = 0;
  std::string why;
  for (const auto& item : json) {
    const auto line = item_total(item, why);
    if (!line) {
      out.strict("BAD_EC_ITEMS", fmt::format("ec_items: {}", why));
      return std::nullopt;
    }
    total += *line;
  }
  return total;
}

/// The amount in cents; absent = nullopt; non-numeric reported as BAD_AMOUNT.
std::optional<std::int64_t> amount(const Params& params, std::string_view name, bool& bad, Findings& out) {
  const std::string_view raw = value_of(params, name);
  if (raw.empty()) {
    return std::nullopt;
  }
  const auto value = parse_float(raw);
  if (!value) {
    if (name != "revenue") {  // revenue is reported by the goal rules
      out.strict("BAD_AMOUNT", fmt::format("{}={} is not numeric", name, raw));
    }
    bad = true;
    return std::nullopt;
  }
  return to_cents(*value);
}

/// A product page view (setEcommerceView): _pkn/_pks/_pkc/_pkp ride on a pageview.
void check_product_view(const Params& params, Findings& out) {
  if (!has(params, "_pkn") && !has(params, "_pks") && !has(params, "_pkc") && !has(params, "_pkp")) {
    return;
  }
  if (value_of(params, "_pks").empty() && value_of(params, "_pkn").empty()) {
    out.strict("PRODUCT_VIEW_INCOMPLETE", "a product view needs _pks (SKU) or _pkn (name)");
  }
  if (const auto price = find(params, "_pkp"); price && parse_float(*price).value_or(-1.0) < 0) {
    out.strict("BAD_PRODUCT_PRICE", fmt::format("_pkp={} is not a non-negative amount", *price));
  }
  for (const std::string_view other : {"idgoal", "ping", "link", "download", "search", "e_c", "c_n"}) {
    if (has(params, other)) {
      out.strict("PRODUCT_VIEW_NOT_PAGEVIEW",
                 fmt::format("_pk* sent with {}: Matomo records a product view with a pageview", other));
      break;
    }
  }
}

}  // namespace

void check_ecommerce(const Params& params, const CheckContext& /*ctx*/, Findings& out) {
  check_product_view(params, out);
  if (value_of(params, "idgoal") != "0") {
    return;
  }
  if (!has(params, "ec_id") && value_of(params, "ec_items").empty()) {
    out.strict("CART_WITHOUT_ITEMS", "a cart update (idgoal=0 without ec_id) needs ec_items");
  }
  std::optional<std::int64_t> items;
  if (const auto raw = find(params, "ec_items")) {
    items = items_subtotal(*raw, out);
  }
  bool bad = false;
  const auto revenue = amount(params, "revenue", bad, out);
  const auto subtotal = amount(params, "ec_st", bad, out);
  const auto tax = amount(params, "ec_tx", bad, out);
  const auto shipping = amount(params, "ec_sh", bad, out);
  const auto discount = amount(params, "ec_dt", bad, out);
  if (has(params, "ec_id") && value_of(params, "revenue").empty()) {
    out.strict("ORDER_WITHOUT_REVENUE", "an order (ec_id) needs revenue");
  }
  if (bad) {
    return;
  }
  if (revenue && subtotal) {
    const std::int64_t expected = *subtotal + tax.value_or(0) + shipping.value_or(0) - discount.value_or(0);
    if (expected != *revenue) {
      out.strict("REVENUE_MISMATCH",
                 fmt::format("revenue {:.2f} != ec_st + ec_tx + ec_sh - ec_dt = {:.2f}",
                             static_cast<double>(*revenue) / 100.0, static_cast<double>(expected) / 100.0));
    }
  }
  if (items && subtotal && *items != *subtotal) {
    out.strict("SUBTOTAL_MISMATCH",
               fmt::format("ec_st {:.2f} != sum of price x quantity {:.2f}", static_cast<double>(*subtotal) / 100.0,
                           static_cast<double>(*items) / 100.0));
  }
}

}  // namespace tf::matomo::detail
