#include "model/order.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "model/catalogues.hpp"

namespace tf::model {
namespace {

constexpr std::array<double, 5> k_item_count_weights{0.6, 0.25, 0.10, 0.04, 0.01};
constexpr int k_fit_rounds = 12;

Cents round_cents(double value) { return static_cast<Cents>(std::llround(value)); }

Cents tax_for(Cents subtotal, Cents shipping, double rate) {
  return round_cents(static_cast<double>(subtotal + shipping) * rate);
}

Cents subtotal_of(const std::vector<OrderItem>& items) {
  Cents sum = 0;
  for (const auto& item : items) {
    sum += item.price * item.quantity;
  }
  return sum;
}

void total_up(Order& order) {
  order.revenue = order.subtotal + order.tax + order.shipping - order.discount;
}

int draw_item_count(Rng& rng, const OrderLimits& limits) {
  int k = static_cast<int>(rng.uniform_int(limits.items_min, std::max(limits.items_min, limits.items_max)));
  if (k >= 1 && k <= 5 && !rng.bernoulli(k_item_count_weights[static_cast<std::size_t>(k - 1)])) {
    k = 1;
  }
  return std::max(k, 1);
}

OrderItem draw_item(Rng& rng) {
  const Product& product = products()[rng.index(products().size())];
  OrderItem item;
  item.sku = std::string(product.sku);
  item.name = std::string(product.name);
  item.category = std::string(product.category);
  item.price = std::max<Cents>(1, round_cents(static_cast<double>(product.base_price_cents) * rng.uniform(0.95, 1.05)));
  item.quantity = rng.bernoulli(0.8) ? 1 : static_cast<int>(rng.uniform_int(2, 3));
  return item;
}

void scale_prices(std::vector<OrderItem>& items, double factor) {
  for (auto& item : items) {
    item.price = std::max<Cents>(1, round_cents(static_cast<double>(item.price) * factor));
  }
}

/// Recomputes subtotal, tax (at `rate`) and revenue, keeping shipping and the discount share.
void recompute(Order& order, double rate, double discount_share) {
  order.subtotal = subtotal_of(order.items);
  order.tax = tax_for(order.subtotal, order.shipping, rate);
  order.discount = round_cents(static_cast<double>(order.subtotal) * discount_share);
  total_up(order);
}

/// Makes every quantity 1 and the prices add up to exactly `subtotal` (≥ 0).
void set_subtotal(std::vector<OrderItem>& items, Cents subtotal) {
  if (items.size() > static_cast<std::size_t>(std::max<Cents>(subtotal, 1))) {
    items.resize(static_cast<std::size_t>(std::max<Cents>(subtotal, 1)));
  }
  for (auto& item : items) {
    item.quantity = 1;
  }
  const Cents current = subtotal_of(items);
  Cents assigned = 0;
  for (auto& item : items) {
    item.price = std::max<Cents>(subtotal > 0 ? 1 : 0, current > 0 ? item.price * subtotal / current : 0);
    assigned += item.price;
  }
  items.front().price += subtotal - assigned;
}

/// The subtotal whose derived total (subtotal + tax + shipping) is the smallest ≥ `revenue`.
Cents solve_subtotal(Cents revenue, Cents shipping, std::optional<Cents> tax, double rate) {
  auto total = [&](Cents st) { return st + (tax ? *tax : tax_for(st, shipping, rate)) + shipping; };
  Cents estimate = tax ? revenue - shipping - *tax
                       : round_cents((static_cast<double>(revenue - shipping) - rate * static_cast<double>(shipping)) /
                                     (1.0 + rate));
  estimate = std::max<Cents>(estimate - 3, 0);
  while (total(estimate) < revenue) {
    ++estimate;
  }
  return estimate;
}

} // namespace

Cents to_cents(double amount) { return round_cents(amount * 100.0); }

OrderLimits order_limits(const config::Settings& settings) {
  OrderLimits limits;
  limits.value_min = to_cents(settings.ecommerce_order_value_min);
  limits.value_max = std::max(limits.value_min, to_cents(settings.ecommerce_order_value_max));
  limits.items_min = std::max(1, settings.ecommerce_items_min);
  limits.items_max = std::max(limits.items_min, settings.ecommerce_items_max);
  limits.tax_rate = std::max(0.0, settings.ecommerce_tax_rate);
  limits.shipping_rates.clear();
  for (const double rate : settings.ecommerce_shipping_rates) {
    limits.shipping_rates.push_back(std::max<Cents>(0, to_cents(rate)));
  }
  if (limits.shipping_rates.empty()) {
    limits.shipping_rates.push_back(0);
  }
  return limits;
}

Order draw_order(Rng& rng, const OrderLimits& limits, std::string id) {
  Order order;
  order.id = std::move(id);
  const int count = draw_item_count(rng, limits);
  for (int k = 0; k < count; ++k) {
    order.items.push_back(draw_item(rng));
  }
  order.shipping = limits.shipping_rates[rng.index(limits.shipping_rates.size())];
  if (static_cast<double>(order.shipping) * (1.0 + limits.tax_rate) >= static_cast<double>(limits.value_max)) {
    order.shipping = 0;
  }
  const double discount_share = rng.bernoulli(0.1) ? rng.uniform(0.05, 0.15) : 0.0;
  recompute(order, limits.tax_rate, discount_share);
  const double target = static_cast<double>(limits.value_min + limits.value_max) / 2.0;
  for (int round = 0; round < k_fit_rounds; ++round) {
    if (order.revenue >= limits.value_min && order.revenue <= limits.value_max) {
      return order;
    }
    const double fixed = static_cast<double>(order.shipping) * (1.0 + limits.tax_rate);
    const double variable = std::max(1.0, static_cast<double>(order.revenue) - fixed);
    scale_prices(order.items, std::max(0.0, target - fixed) / variable);
    recompute(order, limits.tax_rate, discount_share);
  }
  // Rescaling could not land in range (tiny bounds): one item priced to the midpoint.
  order.items.resize(1);
  order.discount = 0;
  set_subtotal(order.items, solve_subtotal(round_cents(target), order.shipping, std::nullopt, limits.tax_rate));
  order.subtotal = subtotal_of(order.items);
  order.tax = tax_for(order.subtotal, order.shipping, limits.tax_rate);
  total_up(order);
  return order;
}

Order draw_order(Rng& rng, const OrderLimits& limits, std::string id, const OrderOverrides& overrides) {
  Order order = draw_order(rng, limits, std::move(id));
  order.discount = 0;
  if (overrides.shipping) {
    order.shipping = *overrides.shipping;
  }
  if (overrides.subtotal) {
    set_subtotal(order.items, *overrides.subtotal);
  } else if (overrides.revenue) {
    set_subtotal(order.items, solve_subtotal(*overrides.revenue, order.shipping, overrides.tax, limits.tax_rate));
  }
  order.subtotal = subtotal_of(order.items);
  order.tax = overrides.tax ? *overrides.tax : tax_for(order.subtotal, order.shipping, limits.tax_rate);
  total_up(order);
  if (overrides.revenue) {
    const Cents excess = order.revenue - *overrides.revenue;
    if (excess >= 0) {
      order.discount = excess;
    } else if (!overrides.shipping || overrides.tax) {
      order.shipping -= excess;
    } else {
      order.tax -= excess;
    }
    total_up(order);
  }
  return order;
}

} // namespace tf::model
