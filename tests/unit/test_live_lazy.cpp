// The live view renders each text on its first request, once, whichever server thread asks.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "live/lazy_text.hpp"

using tf::live::Lazy;

TEST_CASE("a lazy text is rendered on its first request only, once across threads", "[live]") {
  std::atomic<int> renders{0};
  Lazy<std::string> text([&] {
    ++renders;
    return std::string("# TYPE trafficinator_hits_total counter\n");
  });
  CHECK(renders == 0);  // published, not asked for: nothing rendered
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { CHECK(text.get() == "# TYPE trafficinator_hits_total counter\n"); });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(renders == 1);
  CHECK(text.get().size() == 40);
  CHECK(renders == 1);
}

TEST_CASE("a lazy text without a renderer is empty, and a failed rendering is tried again", "[live]") {
  const Lazy<std::string> none;
  CHECK(none.get().empty());
  int calls = 0;
  Lazy<std::string> flaky([&] {
    if (++calls == 1) {
      throw std::runtime_error("first rendering fails");
    }
    return std::string("ok");
  });
  CHECK_THROWS_AS(flaky.get(), std::runtime_error);
  CHECK(flaky.get() == "ok");
  CHECK(calls == 2);
}
