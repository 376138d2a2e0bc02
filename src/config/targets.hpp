#pragma once
#include <string>
#include <vector>

#include "config/network.hpp"

namespace tf::config {

enum class Strategy { round_robin, weighted, random, mirror };

struct TargetSpec {
  std::string name;
  std::string url;         ///< full tracking endpoint, normalised to end in matomo.php/piwik.php
  int site_id = 1;
  std::string token_auth;  ///< resolved secret (never printed); empty = none
  int weight = 1;
  bool enabled = true;
  NetworkSpec network;     ///< the target's own fields; after effective_targets, what applies
};

struct TargetsConfig {
  std::vector<TargetSpec> targets;
  Strategy strategy = Strategy::round_robin;
};

const char* to_string(Strategy s);

} // namespace tf::config
