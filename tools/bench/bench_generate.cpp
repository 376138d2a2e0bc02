// bench_generate [MAX_HITS] [MAX_SECONDS] [all|build|params|direct|bulk|check]: hits per second on one core, to an
// in-memory sink (the same as /dev/null, without the write syscalls). Phases:
//   build+encode    visits built by VisitGenerator, every hit encoded to a query string
//   encode params   hits of visits built beforehand: encode_hit → Params → append_query_string
//   encode direct   the same hits: append_hit_query (no Params), the byte-identical fast path
//   bulk nlohmann   the same hits as bulk elements: bulk_element(encode_hit(...)).dump() (phase `bulk`)
//   bulk direct     the same elements: append_hit_bulk_element (no Params, no JSON values)
// Bounded by MAX_HITS (default 5,000,000) and MAX_SECONDS (default 10) per phase. No network.
// "hits per CPU-s" (getrusage user+sys) is the figure to compare on a shared machine; the third
// argument runs one phase only (the visits kept for the encode phases are always built), for
// instruction counts (callgrind), which a busy machine does not distort. `check` compares the
// direct path with the Params path byte for byte (query and form, token or not, UTC and a DST
// zone) on the 20,000 visits, and the direct bulk element with nlohmann's, and exits 1 on any difference.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <date/tz.h>

#include "config/catalogue.hpp"
#include "matomo/encode.hpp"
#include "matomo/wire.hpp"
#include "model/generator.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using tf::matomo::EncodeContext;
using tf::model::Visit;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// Process CPU seconds (user + system): the per-core figure stays meaningful on a busy machine.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto to_s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return to_s(usage.ru_utime) + to_s(usage.ru_stime);
}

struct Phase {
  const char* name;
  Clock::time_point start = Clock::now();
  double cpu_start = cpu_seconds();
  std::uint64_t hits = 0;
  std::uint64_t bytes = 0;

  void report() const {
    const double wall = seconds_since(start);
    const double cpu = cpu_seconds() - cpu_start;
    std::printf("%-14s %9llu hits in %6.3f s wall, %6.3f s CPU = %9.0f hits/s wall, %9.0f hits per CPU-s"
                "  (%.0f bytes/hit)\n",
                name, static_cast<unsigned long long>(hits), wall, cpu, static_cast<double>(hits) / wall,
                static_cast<double>(hits) / cpu, static_cast<double>(bytes) / static_cast<double>(hits));
  }
};

/// What a phase encodes each hit to, and how.
enum class Path { query_params, query_direct, bulk_nlohmann, bulk_direct };

/// Encodes every hit of `visit` along `path`.
std::uint64_t encode_visit(const Visit& visit, const EncodeContext& ctx, Path path, tf::matomo::Params& params,
                           std::string& buffer) {
  std::uint64_t bytes = 0;
  for (std::size_t k = 0; k < visit.hits.size(); ++k) {
    buffer.clear();
    switch (path) {
      case Path::query_params:
        tf::matomo::encode_hit(visit, k, ctx, params);
        tf::matomo::append_query_string(params, buffer);
        break;
      case Path::query_direct: tf::matomo::append_hit_query(visit, k, ctx, buffer); break;
      case Path::bulk_nlohmann:  // as VisitFlow wrote bulk items before the direct writer
        tf::matomo::encode_hit(visit, k, ctx, params);
        buffer = tf::matomo::bulk_element(params).dump();
        break;
      case Path::bulk_direct: tf::matomo::append_hit_bulk_element(visit, k, ctx, buffer); break;
    }
    bytes += buffer.size();
  }
  return bytes;
}

void encode_kept(const std::vector<Visit>& kept, const EncodeContext& ctx, Path path, Phase phase,
                 std::uint64_t max_hits, double max_seconds) {
  tf::matomo::Params params;
  std::string buffer;
  while (phase.hits < max_hits && seconds_since(phase.start) < max_seconds) {
    for (const auto& visit : kept) {
      phase.bytes += encode_visit(visit, ctx, path, params, buffer);
      phase.hits += visit.hits.size();
    }
  }
  phase.report();
}

/// The direct path must give the Params path's bytes: query, form and bulk element, with and
/// without a token, in UTC and in a zone with DST. Returns the number of hits that differ (printed).
std::size_t check_direct(const std::vector<Visit>& kept, const EncodeContext& base) {
  std::size_t differ = 0;
  tf::matomo::Params params;
  std::string expected, actual;
  for (const bool token : {false, true}) {
    for (const date::time_zone* zone :
         {static_cast<const date::time_zone*>(nullptr), date::locate_zone("Europe/Stockholm")}) {
      EncodeContext ctx = base;
      ctx.has_token = token;
      ctx.time_zone = zone;
      const std::string secret = token ? "tok en/1" : "";
      for (const auto& visit : kept) {
        for (std::size_t k = 0; k < visit.hits.size(); ++k) {
          tf::matomo::encode_hit(visit, k, ctx, params);
          expected = tf::matomo::query_string(params) + "\n" + tf::matomo::form_body(params, secret);
          actual.clear();
          tf::matomo::append_hit_query(visit, k, ctx, actual);
          actual += "\n";
          tf::matomo::append_hit_form(visit, k, ctx, secret, actual);
          expected += "\n" + tf::matomo::bulk_element(params).dump();
          actual += "\n";
          tf::matomo::append_hit_bulk_element(visit, k, ctx, actual);
          if (actual != expected && differ++ < 3) {
            std::printf("MISMATCH visit %llu hit %zu\n  params: %s\n  direct: %s\n",
                        static_cast<unsigned long long>(visit.index), k, expected.c_str(), actual.c_str());
          }
        }
      }
    }
  }
  return differ;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t max_hits = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 5'000'000;
  const double max_seconds = argc > 2 ? std::strtod(argv[2], nullptr) : 10.0;
  const std::string only = argc > 3 ? argv[3] : "all";
  tf::config::Settings settings;
  tf::model::VisitGenerator generator(settings, tf::config::builtin_catalogue(), {}, 1);
  EncodeContext ctx;
  ctx.has_token = true;
  ctx.anchor_ms = 1'767'225'600'000;
  tf::matomo::Params params;
  std::string buffer;
  std::vector<Visit> kept;

  Phase build{"build+encode"};
  const std::uint64_t build_hits = only == "all" || only == "build" ? max_hits : 1;
  for (std::uint64_t i = 0;
       kept.size() < 20'000 || (build.hits < build_hits && (i % 256 != 0 || seconds_since(build.start) < max_seconds));
       ++i) {
    Visit visit = generator.build(i);
    build.bytes += encode_visit(visit, ctx, Path::query_direct, params, buffer);
    build.hits += visit.hits.size();
    if (kept.size() < 20'000) {
      kept.push_back(std::move(visit));
    }
  }
  if (only == "all" || only == "build") {
    build.report();
  }
  if (only == "check") {
    const std::size_t differ = check_direct(kept, ctx);
    std::printf("direct path check: %zu of the hits differ from the Params path\n", differ);
    return differ == 0 ? 0 : 1;
  }
  if (only == "all" || only == "params") {
    encode_kept(kept, ctx, Path::query_params, Phase{"encode params"}, max_hits, max_seconds);
  }
  if (only == "all" || only == "direct") {
    encode_kept(kept, ctx, Path::query_direct, Phase{"encode direct"}, max_hits, max_seconds);
  }
  if (only == "all" || only == "bulk") {
    encode_kept(kept, ctx, Path::bulk_nlohmann, Phase{"bulk nlohmann"}, max_hits, max_seconds);
    encode_kept(kept, ctx, Path::bulk_direct, Phase{"bulk direct"}, max_hits, max_seconds);
  }
  return 0;
}
