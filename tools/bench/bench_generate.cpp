// bench_generate [MAX_HITS] [MAX_SECONDS]: hits per second on one core, two figures:
//   build+encode  visits built by VisitGenerator, every hit encoded to a query string (a sink)
//   encode only   the same hits re-encoded from visits built beforehand
// Bounded by MAX_HITS (default 5,000,000) and MAX_SECONDS (default 10) per phase. No network.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <string>
#include <vector>

#include "config/catalogue.hpp"
#include "matomo/encode.hpp"
#include "matomo/wire.hpp"
#include "model/generator.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Sink {
  std::string buffer;
  std::uint64_t bytes = 0;
  void take(const tf::matomo::Params& params) {
    buffer.clear();
    tf::matomo::append_query_string(params, buffer);
    bytes += buffer.size();
  }
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Process CPU seconds: the per-core figure stays meaningful on a busy machine.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

void report(const char* phase, std::uint64_t hits, double seconds, double cpu, std::uint64_t bytes) {
  std::printf("%-14s %10llu hits in %6.3f s wall, %6.3f s CPU = %10.0f hits/s wall, %10.0f hits per CPU-s"
              "  (%.0f bytes/hit)\n",
              phase, static_cast<unsigned long long>(hits), seconds, cpu, static_cast<double>(hits) / seconds,
              static_cast<double>(hits) / cpu, static_cast<double>(bytes) / static_cast<double>(hits));
}

} // namespace

int main(int argc, char** argv) {
  const std::uint64_t max_hits = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 5'000'000;
  const double max_seconds = argc > 2 ? std::strtod(argv[2], nullptr) : 10.0;
  tf::config::Settings settings;
  tf::model::VisitGenerator generator(settings, tf::config::builtin_catalogue(), {}, 1);
  tf::matomo::EncodeContext ctx;
  ctx.has_token = true;
  ctx.anchor_ms = 1'767'225'600'000;
  tf::matomo::Params params;
  Sink sink;
  std::vector<tf::model::Visit> kept;

  std::uint64_t hits = 0;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  for (std::uint64_t i = 0; hits < max_hits && (i % 256 != 0 || seconds_since(start) < max_seconds); ++i) {
    tf::model::Visit visit = generator.build(i);
    for (std::size_t k = 0; k < visit.hits.size(); ++k) {
      tf::matomo::encode_hit(visit, k, ctx, params);
      sink.take(params);
    }
    hits += visit.hits.size();
    if (kept.size() < 20'000) {
      kept.push_back(std::move(visit));
    }
  }
  report("build+encode", hits, seconds_since(start), cpu_seconds() - cpu_start, sink.bytes);

  hits = 0;
  sink.bytes = 0;
  const auto encode_start = Clock::now();
  const double encode_cpu = cpu_seconds();
  for (std::size_t round = 0; hits < max_hits && seconds_since(encode_start) < max_seconds; ++round) {
    for (const auto& visit : kept) {
      for (std::size_t k = 0; k < visit.hits.size(); ++k) {
        tf::matomo::encode_hit(visit, k, ctx, params);
        sink.take(params);
      }
      hits += visit.hits.size();
    }
  }
  report("encode only", hits, seconds_since(encode_start), cpu_seconds() - encode_cpu, sink.bytes);
  return 0;
}
