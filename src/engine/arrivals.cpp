#include "engine/arrivals.hpp"

namespace tf::engine {

namespace {
constexpr std::uint64_t k_arrival_stream = 0xa11;
constexpr long long k_seconds_per_day = 86400;

SteadyTime after_gap(SteadyTime from, Rng& rng, double rate) {
  const double seconds = rng.exponential(rate);
  return from + std::chrono::duration_cast<SteadyTime::duration>(std::chrono::duration<double>(seconds));
}
}  // namespace

ArrivalSchedule::ArrivalSchedule(const EngineConfig& config, SteadyTime start, std::uint64_t seed)
  : m_rate(config.shape ? config.shape->peak() : config.arrivals_per_second), m_shape(config.shape),
    m_scale(config.rate_scale), m_even(config.even_arrivals), m_cap(config.rolling_cap_per_day), m_start(start),
    m_rng(Rng::stream(seed, k_arrival_stream)) {
  m_next = draw_after(start);
}

SteadyTime ArrivalSchedule::draw_after(SteadyTime from) {
  if (!m_shape) {
    return m_even ? from + std::chrono::duration_cast<SteadyTime::duration>(std::chrono::duration<double>(1.0 / rate()))
                  : after_gap(from, m_rng, rate());
  }
  const auto end = m_shape->end();
  SteadyTime t = from;
  while (true) {
    t = after_gap(t, m_rng, rate());
    const double seconds = std::chrono::duration<double>(t - m_start).count();
    if (end && seconds >= *end) {
      return m_start + std::chrono::hours{24 * 365};  // past the shape's end: never (its deadline stops the run)
    }
    if (m_rng.uniform() * m_rate <
        m_shape->rate(seconds)) {  // kept with p = rate(t)/peak; the live scale speeds both alike
      return t;
    }
  }
}

long long ArrivalSchedule::second_of(SteadyTime t) const {
  return std::chrono::duration_cast<std::chrono::seconds>(t - m_start).count();
}

std::optional<SteadyTime> ArrivalSchedule::cap_blocks() {
  if (m_cap <= 0) {
    return std::nullopt;
  }
  const long long second = second_of(m_next);
  while (!m_seconds.empty() && m_seconds.front().first <= second - k_seconds_per_day) {
    m_cap_count -= m_seconds.front().second;
    m_seconds.pop_front();
  }
  if (m_cap_count < m_cap) {
    return std::nullopt;
  }
  return m_start + std::chrono::seconds{m_seconds.front().first + k_seconds_per_day};
}

void ArrivalSchedule::taken() {
  ++m_count;
  if (m_cap > 0) {
    const long long second = second_of(m_next);
    if (m_seconds.empty() || m_seconds.back().first != second) {
      m_seconds.emplace_back(second, 0);
    }
    ++m_seconds.back().second;
    ++m_cap_count;
  }
  m_next = draw_after(m_next);
}

void ArrivalSchedule::resume(SteadyTime now) { m_next = draw_after(now); }

double ArrivalSchedule::scale() const { return m_scale ? m_scale->load(std::memory_order_relaxed) : 1.0; }

double ArrivalSchedule::rate() const { return m_rate * scale(); }

}  // namespace tf::engine
