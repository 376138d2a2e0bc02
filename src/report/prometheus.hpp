#pragma once
// Prometheus text exposition (format 0.0.4) of a snapshot, for node_exporter's textfile
// collector (`--metrics-file FILE`). Metric names start with `trafficinator_`; counters end in
// `_total`; per-target series carry `target="…"`; latencies are histograms in seconds with the
// fixed `le` buckets of metrics/le_buckets.hpp, so `sum by (le)` over shards and pods is exact.
#include <string>
#include <string_view>

#include "metrics/run_metrics.hpp"

namespace tf::report {

/// The exposition text: `# HELP`/`# TYPE` lines then samples, one family after another.
std::string render_prometheus(const metrics::Snapshot& snapshot);

/// The same families in the OpenMetrics 1.0 text format (counter families named without
/// `_total`, "# EOF" at the end), for a scraper that asks for application/openmetrics-text.
std::string render_openmetrics(const metrics::Snapshot& snapshot);

/// Escapes a label value (backslash, double quote, newline).
std::string escape_label_value(std::string_view value);

/// Writes render_prometheus(snapshot) to `path` atomically (temporary file + rename), so the
/// collector never reads half a file. Throws tf::Error (ExitCode::runtime) naming the file.
void write_prometheus_file(const std::string& path, const metrics::Snapshot& snapshot);

}  // namespace tf::report
