#include "app/replay_marker.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

#include "report/atomic_file.hpp"
#include "report/utc_time.hpp"

namespace tf::app {

namespace {

using Json = nlohmann::ordered_json;

}  // namespace

std::string marker_path(const std::string& path) { return path + ".replayed"; }

std::optional<std::string> replayed_at(const std::string& marker, const std::string& hash) {
  std::ifstream in(marker);
  if (!in) {
    return std::nullopt;
  }
  const Json record = Json::parse(in, nullptr, false);
  if (!record.is_object() || record.value("hash", std::string()) != hash) {
    return std::nullopt;
  }
  return record.value("replayed_at", std::string("an unknown time"));
}

void write_marker(const std::string& marker, const delivery::DeadLetterFile& file, SysTime now) {
  nlohmann::ordered_json record;
  record["file"] = file.path;
  record["hash"] = file.hash;
  record["hits"] = file.hits;
  record["replayed_at"] = report::format_utc(now);
  report::write_output_file(marker, record.dump(2) + "\n");
}

}  // namespace tf::app
