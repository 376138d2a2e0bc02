#pragma once
#include <string>
#include <vector>

#include "config/network.hpp"
#include "routing/strategy.hpp"  // a leaf header: the strategy names are routing's

namespace tf::config {

struct TargetSpec {
  std::string name;
  std::string url;  ///< full tracking endpoint, normalised to end in matomo.php/piwik.php
  int site_id = 1;
  std::string token_auth;  ///< resolved secret (never printed); empty = none
  int weight = 1;
  bool enabled = true;
  NetworkSpec network;  ///< the target's own fields; after effective_targets, what applies
};

struct TargetsConfig {
  std::vector<TargetSpec> targets;
  routing::Strategy strategy = routing::Strategy::round_robin;
};

}  // namespace tf::config
