#include "config/targets.hpp"

namespace tf::config {

const char* to_string(Strategy s) {
  switch (s) {
    case Strategy::round_robin: return "round-robin";
    case Strategy::weighted: return "weighted";
    case Strategy::random: return "random";
    case Strategy::mirror: return "mirror";
  }
  return "round-robin";
}

} // namespace tf::config
