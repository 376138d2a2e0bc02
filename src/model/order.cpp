#include "model/order.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "model/site_profile.hpp"

namespace tf::model {
namespace {

constexpr std::array<double, 5> k_item_count_weights{0.6, 0.25, 0.10, 0.04, 0.01};
constexpr double k_sale_share = 0.2;  ///< items sold at their SKU's sale price
constexpr std::array<int, 3> k_sale_percent{10, 20, 30};
constexpr int k_max_quantity = 99;
constexpr int k_fit_steps = 400;

constexpr Cents k_max_cents = std::numeric_limits<Cents>::max();

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

void total_up(Order& order) { order.revenue = order.subtotal + order.tax + order.shipping - order.discount; }

/// k in [items_min, items_max], weighted by the predecessor's shares of 1..5 items (and a small
/// constant share beyond), renormalised over the allowed range: ITEMS_MIN = 3 gives 3 to 5.
int draw_item_count(Rng& rng, const OrderLimits& limits) {
  auto weight = [](int k) { return k <= 5 ? k_item_count_weights[static_cast<std::size_t>(k - 1)] : 0.005; };
  const int lo = std::max(1, limits.items_min), hi = std::max(lo, limits.items_max);
  double total = 0;
  for (int k = lo; k <= hi; ++k) {
    total += weight(k);
  }
  double r = rng.uniform() * total;
  for (int k = lo; k < hi; ++k) {
    r -= weight(k);
    if (r < 0) {
      return k;
    }
  }
  return hi;
}

/// `count` distinct products (an order lists a SKU once), preferring those whose list price fits
/// a line's share of the value bound `budget`; the cheapest ones when too few fit.
std::vector<std::size_t> draw_products(Rng& rng, std::span<const Product> all, std::size_t count, Cents budget) {
  std::vector<std::size_t> pool;
  pool.reserve(all.size());
  const Cents per_line = budget / static_cast<Cents>(std::max<std::size_t>(count, 1));
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (all[k].base_price_cents <= per_line) {
      pool.push_back(k);
    }
  }
  count = std::min(count, all.size());
  if (pool.size() < count) {
    pool.resize(all.size());
    for (std::size_t k = 0; k < all.size(); ++k) {
      pool[k] = k;
    }
    std::stable_sort(pool.begin(), pool.end(),
                     [&](std::size_t a, std::size_t b) { return all[a].base_price_cents < all[b].base_price_cents; });
    pool.resize(count);
  }
  for (std::size_t k = 0; k < count; ++k) {  // partial Fisher-Yates
    std::swap(pool[k], pool[k + rng.index(pool.size() - k)]);
  }
  pool.resize(count);
  return pool;
}

OrderItem draw_item(Rng& rng, std::span<const Product> products, std::size_t product_index) {
  const Product& product = products[product_index];
  OrderItem item;
  item.sku = std::string(product.sku);
  item.name = std::string(product.name);
  item.category = std::string(product.category);
  item.price = rng.bernoulli(k_sale_share) ? sale_price(products, product_index) : product.base_price_cents;
  item.quantity = rng.bernoulli(0.8) ? 1 : static_cast<int>(rng.uniform_int(2, 3));
  return item;
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
  Cents estimate = tax
    ? revenue - shipping - *tax
    : round_cents((static_cast<double>(revenue - shipping) - rate * static_cast<double>(shipping)) / (1.0 + rate));
  estimate = std::max<Cents>(estimate - 3, 0);
  while (total(estimate) < revenue) {
    ++estimate;
  }
  return estimate;
}

}  // namespace

Cents to_cents(double amount) { return round_cents(amount * 100.0); }

OrderLimits order_limits(const config::Settings& settings) {
  OrderLimits limits;
  limits.products = site_profile(settings.site_profile).products;
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

Cents sale_price(std::span<const Product> products, std::size_t product_index) {
  const Cents list = products[product_index].base_price_cents;
  const int percent = k_sale_percent[product_index % k_sale_percent.size()];
  return std::max<Cents>(1, round_cents(static_cast<double>(list) * (100 - percent) / 100.0));
}

std::vector<OrderItem> draw_cart(Rng& rng, const OrderLimits& limits) {
  const auto budget = static_cast<Cents>(static_cast<double>(limits.value_max) / (1.0 + limits.tax_rate));
  std::vector<OrderItem> items;
  for (const auto index :
       draw_products(rng, limits.products, static_cast<std::size_t>(draw_item_count(rng, limits)), budget)) {
    items.push_back(draw_item(rng, limits.products, index));
  }
  return items;
}

Order draw_order(Rng& rng, const OrderLimits& limits, std::string id) {
  Order order;
  order.id = std::move(id);
  order.items = draw_cart(rng, limits);
  order.shipping = limits.shipping_rates[rng.index(limits.shipping_rates.size())];
  if (static_cast<double>(order.shipping) * (1.0 + limits.tax_rate) >= static_cast<double>(limits.value_max)) {
    order.shipping = 0;
  }
  const double discount_share = rng.bernoulli(0.1) ? rng.uniform(0.05, 0.15) : 0.0;
  recompute(order, limits.tax_rate, discount_share);
  // Into the value bounds by quantities only (prices are the catalogue's): over the maximum,
  // fewer units of the dearest line, then fewer lines (down to items_min); under the minimum,
  // more units of the cheapest line. Bounds the catalogue cannot reach are left unmet.
  auto& items = order.items;
  for (int step = 0; step < k_fit_steps && order.revenue > limits.value_max; ++step) {
    auto dearest = std::max_element(items.begin(), items.end(), [](const auto& a, const auto& b) {
      return (a.quantity > 1 ? a.price : 0) < (b.quantity > 1 ? b.price : 0);
    });
    if (dearest->quantity > 1) {
      --dearest->quantity;
    } else if (items.size() > static_cast<std::size_t>(limits.items_min)) {
      items.erase(
        std::max_element(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.price < b.price; }));
    } else {
      break;
    }
    recompute(order, limits.tax_rate, discount_share);
  }
  for (int step = 0; step < k_fit_steps && order.revenue < limits.value_min; ++step) {
    auto cheapest = std::min_element(items.begin(), items.end(), [](const auto& a, const auto& b) {
      return (a.quantity < k_max_quantity ? a.price : k_max_cents) <
        (b.quantity < k_max_quantity ? b.price : k_max_cents);
    });
    if (cheapest->quantity >= k_max_quantity) {
      break;
    }
    ++cheapest->quantity;
    recompute(order, limits.tax_rate, discount_share);
    if (order.revenue > limits.value_max) {
      --cheapest->quantity;
      recompute(order, limits.tax_rate, discount_share);
      break;
    }
  }
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

}  // namespace tf::model
