// Timing a block of code or a callable, as Sentry's metrics.timer() and metrics.wraps().
#pragma once

#include <metrics/client.hpp>

#include <chrono>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>

namespace metrics {

/// Measures from construction to destruction with a monotonic clock and reports the
/// milliseconds through timing(), with the tag result:success, or result:failure when the
/// scope is left by an exception. Tags can be added before it ends.
///
///     {
///       auto t = client.timer("db.query", {{"table", "users"}});
///       t.add_tag("rows", rows);
///     }
class Timer {
 public:
  Timer(Client& client, std::string_view key, TagList tags, const CallOptions& options);
  Timer(Timer&& other) noexcept;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  Timer& operator=(Timer&&) = delete;
  ~Timer();

  /// Adds (or replaces) a tag reported when the timer ends.
  Timer& add_tag(std::string_view key, TagValue value);
  /// Reports now with an explicit result instead of waiting for the end of scope.
  void stop(bool success = true) noexcept;
  std::chrono::steady_clock::duration elapsed() const noexcept {
    return std::chrono::steady_clock::now() - start_;
  }

 private:
  Client* client_;
  std::string key_;
  OwnedTags tags_;
  std::string instance_;
  std::optional<double> sample_rate_;
  bool skip_internal_;
  int uncaught_at_start_;
  std::chrono::steady_clock::time_point start_;
  bool done_ = false;
};

/// Returns a callable that times every call of `fn` (Sentry's `metrics.wraps`), passing
/// its result and its exceptions through.
///
///     auto load = metrics::wraps(client, "cache.load", [&](int id) { return fetch(id); });
template <class F>
auto wraps(Client& client, std::string key, F fn, OwnedTags tags = {}) {
  return [&client, key = std::move(key), fn = std::move(fn),
          tags = std::move(tags)](auto&&... args) mutable -> decltype(auto) {
    std::vector<Tag> view;
    view.reserve(tags.size());
    for (const auto& [k, v] : tags) view.push_back({k, v});
    Timer t(client, key, TagList(view), {});
    return fn(std::forward<decltype(args)>(args)...);
  };
}

}  // namespace metrics
