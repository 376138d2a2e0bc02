#include "app/generate_command.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>

#include <unistd.h>

#include <date/tz.h>
#include <fmt/format.h>

#include "app/backfill_run.hpp"
#include "config/referenced_files.hpp"
#include "config/url.hpp"
#include "delivery/console.hpp"
#include "delivery/visit_flow.hpp"
#include "matomo/encode.hpp"
#include "matomo/wire.hpp"
#include "model/generator.hpp"
#include "routing/router.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace tf::app {
namespace {

const date::time_zone* zone_of(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    throw Error(fmt::format("TIMEZONE: unknown time zone '{}'", name));
  }
}

std::uint64_t fresh_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32U) ^ device();
}

struct Writer {
  const GenerateOptions& options;
  const std::vector<config::TargetSpec>& targets;
  const routing::Router& router;
  const date::time_zone* zone;
  std::ostream& out;
  bool urls;
  matomo::Params params;
  std::string line;
  std::uint64_t hits = 0;  ///< lines written (every routed copy)

  /// The visit on each target `run` routes it to (routing::route_key; no circuit is open here).
  void visit(const model::Visit& visit) {
    for (const std::size_t t : router.route(visit)) {
      write(visit, targets[t]);
    }
  }

  void write(const model::Visit& visit, const config::TargetSpec& target) {
    matomo::EncodeContext ctx;
    ctx.site_id = target.site_id;
    ctx.has_token = !urls && !target.token_auth.empty();
    ctx.anchor_ms = visit.start_ms.value_or(k_generate_epoch_ms + visit.arrival_ms);
    ctx.time_zone = zone;
    ctx.send_cip = options.settings.randomize_visitor_countries;
    for (std::size_t k = 0; k < visit.hits.size(); ++k) {
      matomo::encode_hit(visit, k, ctx, params);
      if (urls) {
        line = matomo::tracking_url(options.show_secrets ? target.url : config::redact_url(target.url), params);
      } else {
        const std::string shown = !ctx.has_token ? "" : options.show_secrets ? target.token_auth : "***";
        line = matomo::hit_record(visit.index, k, visit.hits[k].offset_ms, target.name, params, shown);
      }
      line.push_back('\n');
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
      ++hits;
    }
  }
};

/// Backfill: the whole plan of the window (every visit of the shard, --visits does not apply),
/// the same visits `run` sends with the same seed.
void write_backfill(const GenerateOptions& options, model::VisitGenerator& generator, const date::time_zone* zone,
                    Writer& writer, GenerateTotals& totals) {
  const auto plan = make_backfill_plan(options.settings, zone, totals.seed, std::chrono::system_clock::now());
  model::BackfillTimeline timeline(plan);
  const auto shards = static_cast<std::uint64_t>(std::max(1, options.shard.count));
  const auto mine = static_cast<std::uint64_t>(std::max(0, options.shard.index));
  while (!timeline.done()) {
    const auto i = timeline.next_index();
    const auto start = timeline.next_start(generator.duration_of(i));
    if (i % shards != mine) {
      generator.skip_at(i, start);
      continue;
    }
    const model::Visit visit = generator.build_at(i, start);
    writer.visit(visit);
    ++totals.visits;
  }
  totals.hits = writer.hits;
}

}  // namespace

GenerateTotals write_generated(const GenerateOptions& options, std::ostream& out) {
  if (options.format != "ndjson" && options.format != "urls") {
    throw Error(fmt::format("--format: expected ndjson or urls, found \"{}\"", options.format));
  }
  const config::Settings& settings = options.settings;
  const auto targets = config::effective_targets(settings);
  if (targets.targets.empty()) {
    throw Error("no target configured");
  }
  GenerateTotals totals;
  const auto given_seed = settings.backfill_enabled ? backfill_seed(settings) : settings.seed;
  totals.seed_given = given_seed.has_value();
  totals.seed = given_seed.value_or(fresh_seed());
  const auto* zone = zone_of(settings.timezone);
  // URLS_FILE and FUNNEL_CONFIG_PATH as config::load parsed them.
  model::VisitGenerator generator(settings, *config::url_catalogue_of(settings), config::funnels_of(settings),
                                  totals.seed);
  const routing::Router router(targets);
  Writer writer{options, targets.targets, router, zone, out, options.format == "urls", {}, {}};
  if (settings.backfill_enabled) {
    write_backfill(options, generator, zone, writer, totals);
    out.flush();
    return totals;
  }
  const auto count = static_cast<std::uint64_t>(std::max(0LL, options.visits));
  const auto shards = static_cast<std::uint64_t>(std::max(1, options.shard.count));
  const auto mine = static_cast<std::uint64_t>(std::max(0, options.shard.index));
  for (std::uint64_t i = 0; i < count; ++i) {
    if (i % shards != mine) {
      generator.skip(i);
      continue;
    }
    if (!out) {
      break;  // a closed pipe, a full disk: the caller reports it
    }
    const model::Visit visit = generator.build(i);
    writer.visit(visit);
    ++totals.visits;
  }
  totals.hits = writer.hits;
  out.flush();
  return totals;
}

int generate_command(const GenerateOptions& options) {
  // Without a token no cip is written; config::load warned about it once.
  GenerateTotals totals;
  if (options.output.empty()) {
    std::cout.flush();
    delivery::FdStreamBuf buffer(STDOUT_FILENO);
    std::ostream out(&buffer);
    totals = write_generated(options, out);
    if (!out || buffer.error() != 0) {
      throw Error(
        fmt::format("cannot write to standard output: {}", std::strerror(buffer.error() != 0 ? buffer.error() : EIO)),
        ExitCode::runtime);
    }
  } else {
    std::ofstream file(options.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      throw Error(fmt::format("--output: cannot write '{}'", options.output), ExitCode::runtime);
    }
    totals = write_generated(options, file);
    if (!file) {
      throw Error(fmt::format("--output: write to '{}' failed", options.output), ExitCode::runtime);
    }
  }
  logging::diagnostic(logging::Level::info, std::chrono::system_clock::now(),
                      fmt::format("generate: {} visits, {} hits, seed {}{}", totals.visits, totals.hits, totals.seed,
                                  totals.seed_given ? "" : " (random)"),
                      {{"visits", std::to_string(totals.visits), true},
                       {"hits", std::to_string(totals.hits), true},
                       {"seed", std::to_string(totals.seed), true}});
  return static_cast<int>(ExitCode::success);
}

}  // namespace tf::app
