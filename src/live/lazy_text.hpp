#pragma once
// A value rendered on its first use, once, by whichever thread asks first: the live view renders
// what a request asks for instead of every page, format and document each second, so a run
// nobody watches pays only for its snapshot (issue 18's budget).
#include <functional>
#include <mutex>
#include <utility>

namespace tf::live {

template <typename T>
class Lazy {
public:
  Lazy() = default;
  explicit Lazy(std::function<T()> render) : m_render(std::move(render)) {}
  Lazy(const Lazy&) = delete;
  Lazy& operator=(const Lazy&) = delete;

  /// Sets how the value is made; before the first get() only.
  void set(std::function<T()> render) { m_render = std::move(render); }
  /// The value (T{} without a renderer); renders it on the first call. Thread-safe. An
  /// exception from the renderer propagates and the next call tries again.
  const T& get() const {
    std::call_once(m_once, [this] {
      if (m_render) {
        m_value = m_render();
        m_render = nullptr;  // releases what it captured (a snapshot)
      }
    });
    return m_value;
  }

private:
  mutable std::function<T()> m_render;
  mutable std::once_flag m_once;
  mutable T m_value{};
};

}  // namespace tf::live
