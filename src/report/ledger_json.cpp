#include "report/ledger_json.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "util/error.hpp"

namespace tf::report {
namespace {

using metrics::Bound;
using nlohmann::json;

json bound_json(const Bound& b) { return {{"acked", b.acked}, {"unconfirmed", b.unconfirmed}}; }

/// [visits acked, visits unconfirmed, actions acked, actions unconfirmed]: compact, since a
/// day may itemise thousands of visitors.
json visitor_json(const metrics::VisitorCounts& c) {
  return json::array({c.visits.acked, c.visits.unconfirmed, c.actions.acked, c.actions.unconfirmed});
}

json day_json(std::int64_t day, const metrics::LedgerDay& counts) {
  json out = {{"date", metrics::format_day(day)}};
  for (std::size_t i = 0; i < metrics::k_measure_count; ++i) {
    out[std::string(metrics::to_string(static_cast<metrics::Measure>(i)))] = bound_json(counts.measures[i]);
  }
  json goals = json::object();
  for (const auto& [goal, bound] : counts.goals) {
    goals[std::to_string(goal)] = bound_json(bound);
  }
  out["goals"] = std::move(goals);
  // by_visitor is sorted like the JSON object, so each entry goes at the end: no search per visitor.
  json visitors = json::object();
  auto& entries = visitors.get_ref<json::object_t&>();
  for (const auto& [id, c] : counts.by_visitor) {
    entries.emplace_hint(entries.end(), id, visitor_json(c));
  }
  out["by_visitor"] = std::move(visitors);
  if (!counts.untracked.empty()) {
    out["untracked"] = visitor_json(counts.untracked);
  }
  return out;
}

[[noreturn]] void fail(const std::string& source, const std::string& path, const std::string& what) {
  throw Error(fmt::format("{}: not a trafficinator summary: \"{}\" {}", source, path, what), ExitCode::usage);
}

std::uint64_t count(const json& object, const char* key, const std::string& source, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0) {
    fail(source, path + "." + key, "must be a non-negative integer");
  }
  return it->get<std::uint64_t>();
}

Bound read_bound(const json& value, const std::string& source, const std::string& path) {
  if (!value.is_object()) {
    fail(source, path, "must be an object {\"acked\",\"unconfirmed\"}");
  }
  return {count(value, "acked", source, path), count(value, "unconfirmed", source, path)};
}

metrics::VisitorCounts read_visitor(const json& value, const std::string& source, const std::string& path) {
  if (!value.is_array() || value.size() != 4 ||
      !std::all_of(value.begin(), value.end(), [](const json& n) { return n.is_number_unsigned(); })) {
    fail(source, path, "must be [visits acked, visits unconfirmed, actions acked, actions unconfirmed]");
  }
  return {{value[0].get<std::uint64_t>(), value[1].get<std::uint64_t>()},
          {value[2].get<std::uint64_t>(), value[3].get<std::uint64_t>()}};
}

metrics::LedgerDay read_day(const json& entry, const std::string& source, const std::string& path) {
  metrics::LedgerDay day;
  for (std::size_t i = 0; i < metrics::k_measure_count; ++i) {
    const std::string name(metrics::to_string(static_cast<metrics::Measure>(i)));
    if (entry.contains(name)) {
      day.measures[i] = read_bound(entry.at(name), source, path + "." + name);
    }
  }
  if (const auto goals = entry.find("goals"); goals != entry.end()) {
    if (!goals->is_object()) {
      fail(source, path + ".goals", "must be an object");
    }
    for (const auto& [id, bound] : goals->items()) {
      int goal = 0;
      const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), goal);
      if (ec != std::errc{} || end != id.data() + id.size() || goal <= 0) {
        fail(source, path + ".goals." + id, "is not a goal id");
      }
      day.goals[goal] = read_bound(bound, source, path + ".goals." + id);
    }
  }
  if (const auto visitors = entry.find("by_visitor"); visitors != entry.end()) {
    if (!visitors->is_object()) {
      fail(source, path + ".by_visitor", "must be an object");
    }
    for (const auto& [id, counts] : visitors->items()) {
      day.by_visitor[id] = read_visitor(counts, source, path + ".by_visitor." + id);
    }
  }
  if (const auto untracked = entry.find("untracked"); untracked != entry.end()) {
    day.untracked = read_visitor(*untracked, source, path + ".untracked");
  }
  return day;
}

}  // namespace

json ledger_to_json(const metrics::Ledger& ledger) {
  json out = json::array();
  for (const auto& [name, target] : ledger.targets) {
    json days = json::array();
    for (const auto& [day, counts] : target.days) {
      days.push_back(day_json(day, counts));
    }
    out.push_back({{"target", name}, {"site_id", target.site_id}, {"days", std::move(days)}});
  }
  return out;
}

metrics::Ledger ledger_from_json(const json& ledger, const std::string& source) {
  if (!ledger.is_array()) {
    fail(source, "ledger", "must be an array");
  }
  metrics::Ledger out;
  for (std::size_t i = 0; i < ledger.size(); ++i) {
    const std::string path = fmt::format("ledger[{}]", i);
    const json& entry = ledger[i];
    if (!entry.is_object() || !entry.contains("target") || !entry.at("target").is_string()) {
      fail(source, path + ".target", "must be a string");
    }
    const auto site = entry.find("site_id");
    if (site == entry.end() || !site->is_number_integer() || site->get<int>() <= 0) {
      fail(source, path + ".site_id", "must be a positive integer");
    }
    metrics::LedgerTarget target;
    target.name = entry.at("target").get<std::string>();
    target.site_id = site->get<int>();
    const auto days = entry.find("days");
    if (days == entry.end() || !days->is_array()) {
      fail(source, path + ".days", "must be an array");
    }
    for (std::size_t d = 0; d < days->size(); ++d) {
      const std::string day_path = fmt::format("{}.days[{}]", path, d);
      const json& day = days->at(d);
      const auto date = day.is_object() && day.contains("date") && day.at("date").is_string()
        ? metrics::parse_day(day.at("date").get<std::string>())
        : std::nullopt;
      if (!date) {
        fail(source, day_path + ".date", "must be a date like 2026-12-03");
      }
      target.days[*date].add(read_day(day, source, day_path));
    }
    metrics::Ledger one;
    one.targets[target.name] = std::move(target);
    out.merge(one);
  }
  return out;
}

}  // namespace tf::report
