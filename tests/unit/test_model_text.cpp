#include <catch2/catch.hpp>

#include "model/text.hpp"

using tf::model::Text;

TEST_CASE("an interned Text's annex is set once and shared by its copies; an owned Text has none", "[model]") {
  const Text a = Text::intern("https://shop.example.test/annex-test");
  const Text copy = a;
  static const int k_first = 1, k_second = 2;
  CHECK(a.annex() == nullptr);
  CHECK(a.set_annex(&k_first));
  CHECK_FALSE(copy.set_annex(&k_second));  // set once: the first stays
  CHECK(copy.annex() == &k_first);
  CHECK(Text::intern("https://shop.example.test/annex-test").annex() == &k_first);
  CHECK(a == "https://shop.example.test/annex-test");  // the annex slot does not move the text
  const Text owned("https://shop.example.test/annex-test");
  CHECK_FALSE(owned.set_annex(&k_first));
  CHECK(owned.annex() == nullptr);
  CHECK_FALSE(Text().set_annex(&k_first));
}
