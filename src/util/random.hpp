#pragma once
// Seeded random streams. Each visit draws from its own stream derived from (seed, index, ...),
// so its content never depends on timing, threads or sharding. xoshiro256** seeded by splitmix64.
#include <cstdint>
#include <string>
#include <string_view>

namespace tf {

/// splitmix64 step: a good 64-bit mixer, used for seeding and for hashing stream keys.
std::uint64_t splitmix64(std::uint64_t& state) noexcept;

/// Mixes several 64-bit keys into one seed (order matters).
std::uint64_t mix_keys(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) noexcept;

/// FNV-1a of a string, for deriving stream keys from names.
std::uint64_t hash_name(std::string_view name) noexcept;

class Rng {
public:
  explicit Rng(std::uint64_t seed) noexcept;
  /// The stream for (seed, a, b): independent of any other (seed, a', b').
  static Rng stream(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0) noexcept;

  std::uint64_t next() noexcept;
  /// Uniform double in [0, 1).
  double uniform() noexcept;
  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi) noexcept;
  /// Uniform integer in [lo, hi] inclusive (unbiased).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) noexcept;
  /// Index in [0, n) (n > 0).
  std::size_t index(std::size_t n) noexcept;
  bool bernoulli(double p) noexcept;
  /// Exponential variate with the given rate (events per unit), rate > 0.
  double exponential(double rate) noexcept;
  /// n lowercase hex characters.
  std::string hex(std::size_t n);

  using result_type = std::uint64_t;
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return ~result_type{0}; }
  result_type operator()() noexcept { return next(); }

private:
  std::uint64_t m_s[4];
};

}  // namespace tf
