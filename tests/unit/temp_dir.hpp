#pragma once
// Test support: a fresh directory under the system temp dir, removed with everything in it at
// scope exit, with helpers to write and read its files.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

namespace tf::testing {

class TempDir {
public:
  TempDir() {
    std::random_device device;
    m_path =
      std::filesystem::temp_directory_path() / ("tf-test-" + std::to_string(device()) + "-" + std::to_string(device()));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The path of `name` inside the directory (the file need not exist).
  std::string file(const std::string& name) const { return (m_path / name).string(); }
  /// Writes `content` to `name` and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    const auto path = file(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

/// The whole content of the file at `path` ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace tf::testing
