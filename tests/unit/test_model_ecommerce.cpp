// Issue 16, ecommerce as Matomo reports it: over 100,000 generated visits (in-process), an order
// never lists a SKU twice, every SKU is sold at its one list price or its sale price, product
// views carry the catalogue's list price, cart updates have items and no order id, and
// ECOMMERCE_ITEMS_MIN/MAX hold.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "model/generator.hpp"
#include "model/order.hpp"
#include "model/site_profile.hpp"

using namespace tf::model;

namespace {

tf::config::UrlCatalogue shop() {
  tf::config::UrlCatalogue catalogue;
  catalogue.pages.push_back({"https://shop.example/", "Home"});
  catalogue.pages.push_back({"https://shop.example/sale", "Sale"});
  return catalogue;
}

struct Prices {
  std::map<std::string, Cents> list, sale;
};

Prices catalogue_prices() {
  Prices prices;
  const auto& products = site_profile("shop").products;
  for (std::size_t k = 0; k < products.size(); ++k) {
    prices.list[std::string(products[k].sku)] = products[k].base_price_cents;
    prices.sale[std::string(products[k].sku)] = sale_price(products, k);
  }
  return prices;
}

}  // namespace

TEST_CASE("over 100,000 visits orders and carts list each SKU once at its list or sale price", "[model]") {
  tf::config::Settings settings;
  settings.ecommerce_probability = 0.3;
  settings.cart_update_probability = 0.3;
  settings.ecommerce_items_min = 3;
  settings.ecommerce_items_max = 6;
  settings.ecommerce_order_value_max = 2000;
  VisitGenerator generator(settings, shop(), {}, 11);
  const Prices prices = catalogue_prices();
  std::size_t orders = 0, carts = 0, views = 0, repeated = 0, off_price = 0, too_few = 0, too_many = 0;
  for (std::uint64_t i = 0; i < 100'000; ++i) {
    const Visit visit = generator.build(i);
    for (const auto& hit : visit.hits) {
      if (hit.product != nullptr) {
        ++views;
        CHECK(hit.product->base_price_cents == prices.list.at(std::string(hit.product->sku)));
      }
      if (hit.kind != HitKind::ecommerce_order && hit.kind != HitKind::cart_update) {
        continue;
      }
      REQUIRE(hit.order);
      const Order& order = *hit.order;
      (hit.kind == HitKind::ecommerce_order ? orders : carts) += 1;
      CHECK(order.id.empty() == (hit.kind == HitKind::cart_update));
      std::set<std::string> skus;
      Cents subtotal = 0;
      for (const auto& item : order.items) {
        repeated += skus.insert(item.sku).second ? 0U : 1U;
        off_price += item.price == prices.list.at(item.sku) || item.price == prices.sale.at(item.sku) ? 0U : 1U;
        subtotal += item.price * item.quantity;
      }
      CHECK(order.subtotal == subtotal);
      too_few += order.items.size() < 3 ? 1U : 0U;
      too_many += order.items.size() > 6 ? 1U : 0U;
    }
  }
  CHECK(orders > 5'000);
  CHECK(carts > 5'000);
  CHECK(views > 50'000);
  CHECK(repeated == 0);
  CHECK(off_price == 0);
  CHECK(too_few == 0);
  CHECK(too_many == 0);
}

TEST_CASE("the item count follows the predecessor's weights within ECOMMERCE_ITEMS_MIN/MAX", "[model]") {
  OrderLimits limits;
  limits.products = site_profile("shop").products;
  limits.items_min = 2;
  limits.items_max = 3;
  limits.value_max = 1'000'000;
  std::map<std::size_t, std::size_t> count;
  for (std::uint64_t k = 0; k < 20'000; ++k) {
    tf::Rng rng = tf::Rng::stream(9, k);
    count[draw_cart(rng, limits).size()] += 1;
  }
  REQUIRE(count.size() == 2);
  // weights 0.25 : 0.10 for 2 : 3 items
  CHECK(std::abs(static_cast<double>(count[2]) / 20'000.0 - 0.25 / 0.35) < 0.02);
}
