#include <cstdint>
#include <limits>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "matomo/encode.hpp"
#include "matomo/encode_text.hpp"
#include "matomo/wire.hpp"
#include "model/text.hpp"
#include "model/visit.hpp"

using namespace tf::matomo;
using tf::model::Text;

namespace {

std::string encoded(std::string_view text, bool plus_for_space) {
  std::string out(3 * text.size(), '\0');
  out.resize(static_cast<std::size_t>(percent_encode_to(text, plus_for_space, out.data()) - out.data()));
  return out;
}

}  // namespace

TEST_CASE("an interned text's encodings are made once and equal percent-encoding it", "[matomo]") {
  const std::string source = "https://shop.example.test/a b?q=ü&x=1 | Title";
  const Text interned = Text::intern(source);
  const std::string* form = interned_encoding(interned, true);
  const std::string* query = interned_encoding(interned, false);
  REQUIRE(form != nullptr);
  REQUIRE(query != nullptr);
  CHECK(*form == encoded(source, true));
  CHECK(*query == encoded(source, false));
  CHECK(interned_encoding(Text::intern(source), true) == form);  // kept with the text
  CHECK(interned_encoding(Text::intern(source), false) == query);
  CHECK(interned_encoding(Text(source), true) == nullptr);  // an owned text has none
  CHECK(interned_encoding(Text(), false) == nullptr);
}

TEST_CASE("a hit of interned page texts encodes as the same hit of owned texts", "[matomo]") {
  tf::model::Visit visit;
  visit.visitor.id = "0123456789abcdef";
  visit.visitor.user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0";
  for (const bool intern : {false, true}) {
    const auto text = [intern](std::string_view s) { return intern ? Text::intern(s) : Text(s); };
    tf::model::Hit first, second;
    first.url = text("https://example.test/shop/a b?size=42&c=ü");
    first.action_name = text("Boots & Shoes | Shop");
    first.new_visit = true;
    second.url = text("https://example.test/shop/c d");
    second.action_name = text("C + D");
    second.offset_ms = 5000;
    visit.hits = {first, second};
    const EncodeContext ctx{.site_id = 3, .anchor_ms = 1'767'225'600'000};
    std::string form, query;
    append_hit_form(visit, 1, ctx, "", form);
    append_hit_query(visit, 1, ctx, query);
    CHECK(form == form_body(encode_hit(visit, 1, ctx), ""));
    CHECK(query == query_string(encode_hit(visit, 1, ctx)));
    CHECK(form.find("urlref=https%3A%2F%2Fexample.test%2Fshop%2Fa+b%3Fsize%3D42%26c%3D%C3%BC") != std::string::npos);
    CHECK(query.find("action_name=C%20%2B%20D") != std::string::npos);
  }
}

TEST_CASE("amounts in cents print as fmt's {}{}.{:02} did, both signs and the extremes", "[matomo]") {
  const auto reference = [](tf::model::Cents cents) {
    const auto magnitude = cents < 0 ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
    return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", magnitude / 100, magnitude % 100);
  };
  for (tf::model::Cents cents = -1005; cents <= 1005; ++cents) {
    REQUIRE(format_cents(cents) == reference(cents));
  }
  for (const tf::model::Cents cents : {std::numeric_limits<tf::model::Cents>::min(),
                                       std::numeric_limits<tf::model::Cents>::max(), tf::model::Cents{123456789}}) {
    CHECK(format_cents(cents) == reference(cents));
  }
  CHECK(format_cents(0) == "0.00");
  CHECK(format_cents(-100) == "-1.00");
  CHECK(format_cents(std::numeric_limits<tf::model::Cents>::min()) == "-92233720368547758.08");
}
