// metrics::BoundMetric: a key with its tags and options fixed once, for calls in hot loops.
#pragma once

#include <metrics/call_options.hpp>

#include <chrono>
#include <memory>
#include <string_view>

namespace metrics {

namespace detail {
struct BoundState;
}

/// A key, tags and call options fixed when it is made (Client::bind, metrics::bind), so
/// that each call carries only its value. A call is the same as the keyword call with
/// those options, made on the client at that moment: the prefix, config tags, global
/// tags, sample rate and backends of the config in force apply, scoped tags merge as
/// usual, and a config swap or a change of global tags is followed without loss. What
/// the binding saves is the per-call work on the key and tags: the merged tags and the
/// prefixed name are prepared when it is made and again whenever the client's
/// pipeline changes, on the thread that changes it.
///
///     auto packets = client.bind("net.packets", {.tags = {{"interface", "eth0"}}});
///     for (...) packets.incr();
///
/// Calls are noexcept, never block and may come from any thread. A BoundMetric must not
/// outlive its Client's state: once the Client is destroyed (or assigned over) its calls
/// do nothing. Destroying a BoundMetric while another thread calls it is a data race, as
/// for any object.
class BoundMetric {
 public:
  /// Bound to nothing: every call does nothing.
  BoundMetric() noexcept;
  ~BoundMetric();
  BoundMetric(BoundMetric&&) noexcept;
  BoundMetric& operator=(BoundMetric&&) noexcept;
  BoundMetric(const BoundMetric&) = delete;
  BoundMetric& operator=(const BoundMetric&) = delete;

  /// Client::incr(key, amount, options).
  void incr(double amount = 1) const noexcept;
  /// Client::gauge(key, value, options).
  void gauge(double value) const noexcept;
  /// Client::timing(key, milliseconds, options).
  void timing(double milliseconds) const noexcept;
  template <class Rep, class Period>
  void timing(std::chrono::duration<Rep, Period> d) const noexcept {
    timing(std::chrono::duration<double, std::milli>(d).count());
  }
  /// Client::distribution(key, value, options).
  void distribution(double value) const noexcept;

  /// The key it was bound with.
  std::string_view key() const noexcept;

 private:
  friend class Client;
  explicit BoundMetric(std::unique_ptr<detail::BoundState> state) noexcept;
  std::unique_ptr<detail::BoundState> state_;
};

}  // namespace metrics
