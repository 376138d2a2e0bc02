#include "report/stages_report.hpp"

#include <fmt/format.h>

namespace tf::report {

namespace {

double elapsed_s(const metrics::Snapshot& s) { return std::chrono::duration<double>(s.elapsed).count(); }

double ms(std::uint64_t micros) { return static_cast<double>(micros) / 1000.0; }

nlohmann::json lag_json(const metrics::Histogram& h) {
  if (h.empty()) {
    return {{"p50", nullptr}, {"p99", nullptr}, {"max", nullptr}};
  }
  return {{"p50", ms(h.percentile(50))}, {"p99", ms(h.percentile(99))}, {"max", ms(h.max())}};
}

}  // namespace

nlohmann::json stages_json(const metrics::Snapshot& s) {
  auto out = nlohmann::json::array();
  const double elapsed = elapsed_s(s);
  for (const auto& st : s.stages) {
    out.push_back({{"stage", st.spec},
                   {"start_s", st.start_s},
                   {"duration_s", st.open ? nlohmann::json(nullptr) : nlohmann::json(st.seconds)},
                   {"from_rate", st.from_rate},
                   {"to_rate", st.to_rate},
                   {"requested_rate", st.requested_rate()},
                   {"achieved_rate", st.achieved_rate(elapsed)},
                   {"ran_s", st.ran_s(elapsed)},
                   {"visits_started", st.visits_started},
                   {"start_lag_ms", lag_json(st.start_lag)}});
  }
  return out;
}

std::string current_stage_text(const metrics::Snapshot& s) {
  const auto i = metrics::current_stage(s.stages, elapsed_s(s));
  return i ? fmt::format("stage {}/{} {}", *i + 1, s.stages.size(), s.stages[*i].spec) : std::string();
}

std::string stage_lines(const metrics::Snapshot& s) {
  std::string out;
  const double elapsed = elapsed_s(s);
  for (std::size_t i = 0; i < s.stages.size(); ++i) {
    const auto& st = s.stages[i];
    const double requested = st.requested_rate();
    const double achieved = st.achieved_rate(elapsed);
    out += fmt::format(
      "stage {}/{} {}: achieved {:.2f}/s of requested {:.2f}/s{} over {:.1f}s · start lag p99 {} ms\n", i + 1,
      s.stages.size(), st.spec, achieved, requested,
      requested > 0 ? fmt::format(" ({:.1f}%)", achieved / requested * 100.0) : std::string(), st.ran_s(elapsed),
      st.start_lag.empty() ? std::string("-") : fmt::format("{:.1f}", ms(st.start_lag.percentile(99))));
  }
  return out;
}

}  // namespace tf::report
