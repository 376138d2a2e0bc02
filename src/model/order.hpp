#pragma once
// Ecommerce orders in cents (reference/predecessor.md §2.7, corrected so that every order adds
// up exactly: subtotal = Σ price × quantity, revenue = subtotal + tax + shipping − discount).
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "model/catalogues.hpp"
#include "model/visit.hpp"
#include "util/random.hpp"

namespace tf::model {

struct OrderLimits {
  std::span<const Product> products;  ///< the site profile's catalogue (≥ 1 product)
  Cents value_min = 1599, value_max = 29999;  ///< bounds of a drawn order's revenue
  int items_min = 1, items_max = 5;
  double tax_rate = 0.10;
  std::vector<Cents> shipping_rates{0, 599, 999, 1599};
};

/// The limits of `settings`, over the products of its SITE_PROFILE (throws tf::Error for an
/// unknown profile).
OrderLimits order_limits(const config::Settings& settings);

/// Funnel overrides; each given value is used exactly, the others are derived.
struct OrderOverrides {
  std::optional<Cents> revenue, subtotal, tax, shipping;
};

/// The sale price of `products[product_index]`: its list price less 10, 20 or 30 % (by the
/// index). Each SKU is sold at its list price or this one, nothing else.
Cents sale_price(std::span<const Product> products, std::size_t product_index);

/// A cart's lines: k ∈ [items_min, items_max] distinct SKUs (the predecessor's weighting of 1..5
/// items, renormalised over the range; at most the catalogue's size), each at its list price or,
/// one in five, its sale price, quantity 1 (80 %) or 2–3. Products whose list price fits the
/// value bound are preferred.
std::vector<OrderItem> draw_cart(Rng& rng, const OrderLimits& limits);

/// A drawn order: draw_cart's lines, one shipping rate, tax = round((subtotal + shipping) ×
/// rate), a 5–15 % discount on one order in ten. Quantities (never prices) are adjusted towards
/// [value_min, value_max]: fewer units or lines (not below items_min) when over, more units of
/// the cheapest line when under. `id` becomes `ec_id`.
Order draw_order(Rng& rng, const OrderLimits& limits, std::string id);

/// An order with overrides applied (a funnel's fixed amounts: its items' prices are scaled to
/// them, the one exception to catalogue prices). Derivation: a subtotal override sets every quantity to 1 and
/// scales prices to add up to it (the rounding remainder goes to the first item). Without a
/// subtotal override but with a revenue override, the subtotal is solved from the revenue
/// (tax derived from it unless overridden); a 1-cent rounding excess becomes the discount. With
/// both, an excess of subtotal + tax + shipping over revenue becomes the discount; a shortfall is
/// added to the shipping (or, with a shipping override and none for tax, to the tax; with all
/// four given, to the shipping). Overridden orders are not held to the value bounds.
Order draw_order(Rng& rng, const OrderLimits& limits, std::string id, const OrderOverrides& overrides);

/// Cents from a decimal amount (rounded to the nearest cent).
Cents to_cents(double amount);

}  // namespace tf::model
