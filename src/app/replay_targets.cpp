// Resolving the targets a dead-letter file names, and the token checks made before sending.
#include <map>

#include <fmt/format.h>

#include "app/replay_command.hpp"
#include "config/diagnostic.hpp"
#include "matomo/checks.hpp"
#include "util/error.hpp"

namespace tf::app {

namespace {

struct Needed {
  int first_line = 0;
  std::size_t hits = 0;
};

/// Hits that Matomo records only with a token: (code → first line and count).
std::map<std::string, Needed> hits_needing_token(const delivery::DeadLetterFile& file, const std::string& target,
                                                 SysTime now) {
  matomo::CheckContext ctx;
  ctx.now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  ctx.token_valid = false;
  std::map<std::string, Needed> needed;
  for (const auto& visit : file.visits) {
    if (visit.target != target) {
      continue;
    }
    for (const auto& hit : visit.hits) {
      for (const auto& v : matomo::check_hit(hit.params, ctx)) {
        if (v.code == "OLD_CDT_WITHOUT_TOKEN" || v.code == "CIP_WITHOUT_TOKEN") {
          auto& n = needed[v.code];
          n.first_line = n.hits == 0 ? hit.line : n.first_line;
          ++n.hits;
        }
      }
    }
  }
  return needed;
}

void check_tokens(const delivery::DeadLetterFile& file, const config::TargetSpec& target, SysTime now,
                  config::Diagnostics& diags) {
  if (!target.token_auth.empty()) {
    return;
  }
  for (const auto& [code, n] : hits_needing_token(file, target.name, now)) {
    const bool old = code == "OLD_CDT_WITHOUT_TOKEN";
    diags.error(file.path, n.first_line, 0, old ? "cdt" : "cip",
                fmt::format("target '{}' has no token_auth, and {} hit(s) {} (first at this line): Matomo "
                            "rejects them without a token; set the target's token_auth",
                            target.name, n.hits, old ? "have a cdt 24 h or more in the past" : "carry cip"));
  }
}

std::string names_of(const config::TargetsConfig& targets) {
  std::string names;
  for (const auto& t : targets.targets) {
    names += (names.empty() ? "" : ", ") + t.name;
  }
  return names;
}

}  // namespace

ReplayTargets resolve_replay_targets(const config::Settings& settings, const delivery::DeadLetterFile& file,
                                     SysTime now) {
  const auto configured = config::effective_targets(settings);
  std::map<std::string, int> first_line;  // target name → first line naming it
  for (const auto& visit : file.visits) {
    const int line = visit.hits.front().line;
    auto [it, added] = first_line.emplace(visit.target, line);
    if (!added && line < it->second) {
      it->second = line;
    }
  }
  config::Diagnostics diags;
  ReplayTargets plan;
  std::map<std::string, std::size_t> index;
  for (const auto& t : configured.targets) {
    if (first_line.count(t.name) == 0) {
      continue;
    }
    if (!t.enabled) {
      diags.error(file.path, first_line[t.name], 0, "target",
                  fmt::format("target '{}' is disabled in the configuration; enable it to replay its hits", t.name));
    }
    check_tokens(file, t, now, diags);
    index[t.name] = plan.contexts.size();
    plan.contexts.push_back(
      delivery::TargetContext{t.name, t.url, t.site_id, t.token_auth, false, settings.user_agent_header, t.network});
  }
  for (const auto& [name, line] : first_line) {
    if (index.count(name) == 0) {
      diags.error(file.path, line, 0, "target",
                  fmt::format("no target named '{}' in the configuration (targets: {})", name, names_of(configured)));
    }
  }
  if (diags.has_errors()) {
    throw Error(config::join_errors(diags), ExitCode::usage);
  }
  for (const auto& visit : file.visits) {
    plan.visit_targets.push_back(index.at(visit.target));
  }
  return plan;
}

}  // namespace tf::app
