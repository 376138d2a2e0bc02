#include "util/random.hpp"

#include <cmath>

namespace tf {

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31U);
}

std::uint64_t mix_keys(std::uint64_t a, std::uint64_t b, std::uint64_t c) noexcept {
  std::uint64_t s = a;
  std::uint64_t h = splitmix64(s);
  s = h ^ b;
  h = splitmix64(s);
  s = h ^ c;
  return splitmix64(s);
}

std::uint64_t hash_name(std::string_view name) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char ch : name) {
    h ^= static_cast<unsigned char>(ch);
    h *= 0x100000001b3ULL;
  }
  return h;
}

Rng::Rng(std::uint64_t seed) noexcept {
  std::uint64_t s = seed;
  for (auto& word : m_s) {
    word = splitmix64(s);
  }
}

Rng Rng::stream(std::uint64_t seed, std::uint64_t a, std::uint64_t b) noexcept { return Rng(mix_keys(seed, a, b)); }

static inline std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

std::uint64_t Rng::next() noexcept {
  const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
  const std::uint64_t t = m_s[1] << 17U;
  m_s[2] ^= m_s[0];
  m_s[3] ^= m_s[1];
  m_s[1] ^= m_s[2];
  m_s[0] ^= m_s[3];
  m_s[2] ^= t;
  m_s[3] = rotl(m_s[3], 45);
  return result;
}

double Rng::uniform() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

double Rng::uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }

std::int64_t Rng::uniform_int(std::int64_t lo, std::int64_t hi) noexcept {
  if (hi <= lo) {
    return lo;
  }
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1U;
  if (span == 0) {  // full 64-bit range
    return static_cast<std::int64_t>(next());
  }
  const std::uint64_t limit = max() - (max() % span + 1U) % span;
  std::uint64_t x = next();
  while (x > limit) {
    x = next();
  }
  return lo + static_cast<std::int64_t>(x % span);
}

std::size_t Rng::index(std::size_t n) noexcept {
  return static_cast<std::size_t>(uniform_int(0, static_cast<std::int64_t>(n) - 1));
}

bool Rng::bernoulli(double p) noexcept { return uniform() < p; }

double Rng::exponential(double rate) noexcept { return -std::log1p(-uniform()) / rate; }

std::string Rng::hex(std::size_t n) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out(n, '0');
  std::uint64_t bits = 0;
  int left = 0;
  for (auto& ch : out) {
    if (left == 0) {
      bits = next();
      left = 16;
    }
    ch = k_digits[bits & 0xFU];
    bits >>= 4U;
    --left;
  }
  return out;
}

}  // namespace tf
