#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>

#include <csignal>
#include <cstdlib>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/log.hpp"

#include "temp_dir.hpp"
#include "util/append_file.hpp"
#include "util/error.hpp"
#include "util/file_lock.hpp"
#include "util/random.hpp"
#include "util/units.hpp"

using namespace std::chrono_literals;

TEST_CASE("durations accept plain seconds and unit suffixes only", "[util]") {
  CHECK(tf::parse_duration("90") == 90s);
  CHECK(tf::parse_duration("90s") == 90s);
  CHECK(tf::parse_duration("250ms") == 250ms);
  CHECK(tf::parse_duration("5m") == 5min);
  CHECK(tf::parse_duration("2h") == 2h);
  CHECK(tf::parse_duration("1.5s") == 1500ms);
  CHECK_FALSE(tf::parse_duration("5 minutes"));
  CHECK_FALSE(tf::parse_duration("-1s"));
  CHECK_FALSE(tf::parse_duration(""));
  CHECK_FALSE(tf::parse_duration("s"));
}

TEST_CASE("booleans accept the documented words, case-insensitive, and nothing else", "[util]") {
  for (const char* yes : {"true", "TRUE", "yes", "1", "on", "On"}) {
    CHECK(tf::parse_bool(yes) == true);
  }
  for (const char* no : {"false", "No", "0", "off"}) {
    CHECK(tf::parse_bool(no) == false);
  }
  for (const char* bad : {"y", "2", "", "enabled"}) {
    CHECK_FALSE(tf::parse_bool(bad));
  }
}

TEST_CASE("numbers must parse completely", "[util]") {
  CHECK(tf::parse_int("42") == 42);
  CHECK(tf::parse_int("-7") == -7);
  CHECK_FALSE(tf::parse_int("4x"));
  CHECK_FALSE(tf::parse_int("1.5"));
  CHECK(tf::parse_double("0.25") == 0.25);
  CHECK_FALSE(tf::parse_double("0,25"));
  CHECK_FALSE(tf::parse_double("nan"));
}

TEST_CASE("a random stream depends only on its keys", "[util]") {
  auto a = tf::Rng::stream(7, 100);
  auto b = tf::Rng::stream(7, 100);
  auto c = tf::Rng::stream(7, 101);
  const auto a1 = a.next();
  CHECK(a1 == b.next());
  CHECK(a1 != c.next());
}

TEST_CASE("uniform_int covers its inclusive range and stays inside it", "[util]") {
  auto rng = tf::Rng::stream(1, 2);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 10'000; ++i) {
    const auto v = rng.uniform_int(3, 6);
    REQUIRE(v >= 3);
    REQUIRE(v <= 6);
    seen.insert(v);
  }
  CHECK(seen.size() == 4);
}

TEST_CASE("hex strings have the asked length and only hex digits", "[util]") {
  auto rng = tf::Rng::stream(3, 4);
  const auto id = rng.hex(16);
  CHECK(id.size() == 16);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("log records render as text lines or as JSON objects with ts, level, msg and fields", "[util]") {
  using namespace tf::logging;
  const tf::SysTime t = tf::SysTime{std::chrono::seconds{1'767'225'600}} + std::chrono::milliseconds{45};
  CHECK(render(Level::info, t, "started", {}, Format::text) == "2026-01-01T00:00:00.045Z started");
  CHECK(render(Level::warning, t, "slow", {{"target", "a"}, {"p99_ms", "12.5", true}}, Format::text) ==
        "2026-01-01T00:00:00.045Z warning: slow target=a p99_ms=12.5");
  CHECK(render(Level::warning, t, "say \"hi\"", {{"target", "a"}, {"p99_ms", "12.5", true}}, Format::json) ==
        R"({"ts":"2026-01-01T00:00:00.045Z","level":"warning","msg":"say \"hi\"","target":"a","p99_ms":12.5})");
  CHECK(parse_level("ERROR") == Level::error);
  CHECK(parse_format("json") == Format::json);
  CHECK(split_level("warning: x").first == Level::warning);
  CHECK(split_level("warning: x").second == "x");
  CHECK(split_level("plain").first == Level::info);
}

TEST_CASE("LOG_LEVEL ERROR leaves only errors enabled", "[util]") {
  using namespace tf::logging;
  configure(Level::error, Format::text);
  CHECK_FALSE(enabled(Level::warning));
  CHECK(enabled(Level::error));
  configure(Level::info, Format::text);
  CHECK(enabled(Level::info));
  CHECK_FALSE(enabled(Level::debug));
}

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const tf::Error& e) {
    return std::to_string(static_cast<int>(e.code())) + " " + e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("an append file is appended to, never truncated, and counts lines not saved", "[util]") {
  const tf::testing::TempDir dir;
  const auto path = dir.write("dl.ndjson", "{\"old\":1}\n");
  {
    tf::AppendFile file(path, tf::AppendFile::Sharing::owned);
    CHECK(file.append_line("{\"new\":2}"));
    CHECK(file.sync());
    CHECK(file.saved() == 1);
  }
  CHECK(read_all(path) == "{\"old\":1}\n{\"new\":2}\n");
}

TEST_CASE("a full file (RLIMIT_FSIZE) keeps whole lines only and counts the rest unsaved", "[util]") {
  const tf::testing::TempDir dir;
  const auto path = dir.write("dl.ndjson", "{\"old\":1}\n");  // 10 bytes
  // In a child: the limit is per process, and SIGXFSZ would kill it (ignored: write says EFBIG).
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{14, 14};  // room for "ok\n" and one byte more
    int failed = ::setrlimit(RLIMIT_FSIZE, &limit) == 0 ? 0 : 1;
    tf::AppendFile full(path, tf::AppendFile::Sharing::owned);
    failed |= full.append_line("ok") ? 0 : 2;
    failed |= full.append_line("too long") ? 4 : 0;  // 1 byte written, then cut off again
    failed |= full.append_line("y") ? 8 : 0;  // nothing more is written after a failure
    failed |= full.unsaved() == 2 && full.saved() == 1 ? 0 : 16;
    failed |= full.error() == "File too large" ? 0 : 32;
    failed |= full.sync() ? 64 : 0;
    std::_Exit(failed);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);  // bits: 1 setrlimit, 2 first line, 4 … 64 see above
  CHECK(read_all(path) == "{\"old\":1}\nok\n");
}

TEST_CASE("a shared append file is created at its first line only", "[util]") {
  const tf::testing::TempDir dir;
  const auto path = dir.file("default.ndjson");
  { tf::AppendFile unused(path, tf::AppendFile::Sharing::shared); }
  CHECK_FALSE(std::filesystem::exists(path));
  tf::AppendFile a(path, tf::AppendFile::Sharing::shared);
  tf::AppendFile b(path, tf::AppendFile::Sharing::shared);
  CHECK(a.append_line("a"));
  CHECK(b.append_line("b"));
  CHECK(read_all(path) == "a\nb\n");
}

TEST_CASE("an owned append file and a lock file refuse a second holder, naming its pid", "[util]") {
  const tf::testing::TempDir dir;
  const auto path = dir.file("dl.ndjson");
  const tf::AppendFile first(path, tf::AppendFile::Sharing::owned);
  // flock locks belong to an open file description: a second open in this process conflicts
  // like another process would; the holder found in /proc/locks is this process, so no pid.
  CHECK(error_of([&] { tf::AppendFile second(path, tf::AppendFile::Sharing::owned); }) ==
        "2 " + path + " is locked by another process");
  const auto lock = dir.file("cron.lock");
  const tf::LockFile held(lock);
  CHECK(read_all(lock) == std::to_string(::getpid()) + "\n");
  CHECK(error_of([&] { tf::LockFile again(lock, "the checkpoint"); }) ==
        "2 the checkpoint is locked by another process");
  CHECK(error_of([&] { tf::LockFile missing(dir.file("no/such/dir.lock")); }) ==
        "2 cannot open lock file " + dir.file("no/such/dir.lock") + ": No such file or directory");
}
