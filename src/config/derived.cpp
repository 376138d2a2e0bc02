#include "config/derived.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tf::config {
namespace {

void derive(Settings& s, const std::string& key, std::string rule) {
  s.origins[key] = Origin{Layer::rule, std::move(rule), 0};
}

std::string place_of(const Settings& s, const std::string& key) {
  const auto it = s.origins.find(key);
  if (it == s.origins.end() || it->second.layer == Layer::environment) {
    return "environment";
  }
  return it->second.source;
}

}  // namespace

bool set_by_user(const Settings& settings, const std::string& key) {
  const auto it = settings.origins.find(key);
  return it != settings.origins.end() && it->second.layer != Layer::rule && it->second.layer != Layer::built_in;
}

void apply_derived(Settings& s, Diagnostics& diags) {
  if (s.backfill_enabled && !set_by_user(s, "BULK")) {
    s.bulk = k_backfill_bulk;
    derive(s, "BULK", fmt::format("rule: backfill sends {} hits per POST", k_backfill_bulk));
  }
  if (s.bulk <= 0) {
    return;
  }
  if (!set_by_user(s, "CONCURRENCY")) {
    s.concurrency = std::min(100000, std::max(s.concurrency, k_bulk_concurrency_factor * s.bulk));
    derive(s, "CONCURRENCY", fmt::format("rule: {} x BULK, to fill batches", k_bulk_concurrency_factor));
  } else if (s.concurrency < s.bulk) {
    diags.add(
      {place_of(s, "CONCURRENCY"), s.origins["CONCURRENCY"].line, 0, Severity::warning, "CONCURRENCY",
       fmt::format("{} visits in progress cannot fill a batch of BULK {} (a visit has one hit in flight): "
                   "each POST carries at most {} hits and waits BULK_LINGER {} ms; leave CONCURRENCY unset "
                   "or set it to {} or more",
                   s.concurrency, s.bulk, s.concurrency, s.bulk_linger.count(), k_bulk_concurrency_factor * s.bulk)});
  }
  if (!set_by_user(s, "MAX_IN_FLIGHT")) {
    const int batches = (s.concurrency + s.bulk - 1) / s.bulk;
    s.max_in_flight = std::min(s.max_in_flight, std::max(k_bulk_min_in_flight, 2 * batches));
    derive(s, "MAX_IN_FLIGHT", fmt::format("rule: BULK set: max({}, 2 x CONCURRENCY / BULK)", k_bulk_min_in_flight));
  }
}

}  // namespace tf::config
