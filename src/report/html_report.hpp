#pragma once
// The HTML report (`--report-html FILE`, `trafficinator report SUMMARY.json… -o FILE`) and the
// live page of `--listen`: one self-contained HTML file (inline script and style, hand-written
// SVG charts, no external resource, a Content-Security-Policy that forbids fetching any) around
// a data section computed here from a summary JSON.
#include <string>

#include <nlohmann/json.hpp>

namespace tf::report {

/// The data the page draws, from a summary (summary_to_json's schema, or a merged one):
/// run facts, totals, per-target rows, thresholds, the redacted config, the latency
/// distribution in the fixed le buckets, and the series as per-second rates per interval
/// (hits/s by outcome, p50/p95/p99 in ms, visit rate requested and achieved, in flight).
nlohmann::json report_data(const nlohmann::json& summary);

enum class PageMode {
  report,  ///< a file: the data inline, nothing fetched
  live,  ///< served by --listen: the data inline, then fetched from /data each second
};

/// The page with `data` (report_data) inline in <script id="tf-data" type="application/json">.
std::string render_html(const nlohmann::json& data, PageMode mode);

/// Writes render_html(report_data(summary), report) to `path` atomically. Throws tf::Error
/// (ExitCode::runtime) naming the file when it cannot be written.
void write_html_report(const std::string& path, const nlohmann::json& summary);

/// The quantile `q` (0..1) in ms of per-bucket counts over the fixed le buckets, interpolated
/// within its bucket as Prometheus' histogram_quantile does; null when the counts are all 0.
nlohmann::json le_quantile_ms(const nlohmann::json& counts, double q);

}  // namespace tf::report
