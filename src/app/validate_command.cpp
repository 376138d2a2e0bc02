#include "app/validate_command.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "config/catalogue_file.hpp"
#include "config/dotenv.hpp"
#include "config/funnels_json.hpp"
#include "config/loader.hpp"
#include "config/network.hpp"
#include "config/targets_json.hpp"
#include "config/url.hpp"
#include "delivery/verdict.hpp"
#include "util/units.hpp"

namespace tf::app {
namespace {

struct FileReport {
  config::Diagnostics diags;
  std::vector<config::TargetSpec> targets;  ///< for --probe
  std::string user_agent = config::k_tool_user_agent;  ///< for --probe: a .env file's USER_AGENT_HEADER
  bool insecure = false;  ///< for --probe: a .env file's INSECURE
};

std::string_view skip_bom_and_blanks(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  return trim(text);
}

std::string_view first_entry(std::string_view text) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = trim(text.substr(0, nl));
    if (!line.empty() && line.front() != '#') {
      return line;
    }
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  }
  return {};
}

void check_env(const std::string& path, FileReport& report) {
  config::LoadRequest request;
  request.env_files = {path};
  request.apply_environment = false;
  config::Loader loader(request);
  const config::Settings settings = loader.load();
  report.diags.append(loader.diagnostics());
  delivery::check_thresholds(settings, report.diags);
  if (!loader.diagnostics().has_errors()) {
    report.targets = config::effective_targets(settings).targets;
    report.user_agent = settings.user_agent_header;
    report.insecure = settings.insecure;
  }
}

void check_text(const std::string& path, const std::string& text, FileKind kind, FileReport& report) {
  switch (kind) {
    case FileKind::env: check_env(path, report); break;
    case FileKind::targets: {
      const std::string base_dir = std::filesystem::path(path).parent_path().string();
      if (auto targets = config::parse_targets(text, path, report.diags, config::process_environment(), base_dir)) {
        report.targets = targets->targets;
      }
      break;
    }
    case FileKind::funnels: config::parse_funnels(text, path, report.diags); break;
    case FileKind::catalogue: config::parse_catalogue(text, path, report.diags); break;
  }
}

void probe_all(const std::vector<config::TargetSpec>& targets, std::string_view user_agent, bool insecure,
               const ValidateOptions& options, std::ostream& out, bool& failed) {
  for (const auto& target : targets) {
    if (!target.enabled) {
      continue;
    }
    const ProbeResult r = probe_target(target, options.probe_timeout, user_agent, insecure);
    std::string parts = r.site;
    const std::string network = config::describe_route(target.network);  // the proxy, resolve, connect-to in use
    for (const std::string* part : {&r.token, &r.tls, &network}) {
      if (!part->empty()) {
        parts += "; " + *part;
      }
    }
    out << fmt::format("probe {} ({}): {}: {}; {} ms\n", target.name, config::redact_url(target.url),
                       r.ok ? "ok" : "FAILED", parts, r.latency.count());
    failed = failed || !r.ok;
  }
}

}  // namespace

FileKind detect_kind(std::string_view text) {
  text = skip_bom_and_blanks(text);
  if (!text.empty() && text.front() == '{') {
    return FileKind::targets;
  }
  if (!text.empty() && text.front() == '[') {
    return FileKind::funnels;
  }
  const std::string_view entry = first_entry(text);
  if (entry.substr(0, 7) == "http://" || entry.substr(0, 8) == "https://") {
    return FileKind::catalogue;
  }
  return FileKind::env;
}

const char* to_string(FileKind kind) {
  switch (kind) {
    case FileKind::env: return ".env";
    case FileKind::targets: return "targets JSON";
    case FileKind::funnels: return "funnels JSON";
    case FileKind::catalogue: return "URL catalogue";
  }
  return ".env";
}

int validate_command(const ValidateOptions& options, std::ostream& out) {
  bool any_invalid = false;
  if (options.files.empty() && options.probe) {
    probe_all(options.targets, options.user_agent, options.insecure, options, out, any_invalid);
  }
  for (const auto& path : options.files) {
    FileReport report;
    std::string why;
    const auto text = config::read_text_file(path, why);
    std::string kind_name = "file";
    if (!text) {
      report.diags.error(path, 0, 0, "", why);
    } else if (skip_bom_and_blanks(*text).empty()) {
      report.diags.error(path, 0, 0, "",
                         "expected a .env file, targets JSON, funnels JSON or URL catalogue, found an empty file");
    } else {
      const FileKind kind = detect_kind(*text);
      kind_name = to_string(kind);
      check_text(path, *text, kind, report);
    }
    auto items = report.diags.items();
    std::stable_sort(items.begin(), items.end(), [](const config::Diagnostic& a, const config::Diagnostic& b) {
      const auto rank = [](const config::Diagnostic& d) { return std::pair(d.line == 0 ? INT32_MAX : d.line, d.col); };
      return rank(a) < rank(b);
    });
    for (const auto& d : items) {
      out << config::format(d) << '\n';
    }
    const bool invalid = report.diags.has_errors();
    any_invalid = any_invalid || invalid;
    out << fmt::format("{}: {} ({}, {} error(s), {} warning(s))\n", path, invalid ? "invalid" : "valid", kind_name,
                       report.diags.error_count(), report.diags.warning_count());
    if (options.probe && !invalid) {
      probe_all(report.targets, report.user_agent, report.insecure, options, out, any_invalid);
    }
  }
  return any_invalid ? 1 : 0;
}

}  // namespace tf::app
