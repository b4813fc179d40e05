// The whole public API. Free functions act on the process-default client, which starts
// with the dummy backend (as Sentry does when nothing is configured) until configure().
//
//     #include <metrics/metrics.hpp>
//     int main() {
//       metrics::configure("config/metrics.toml");
//       metrics::incr("app.started");
//       auto t = metrics::timer("app.work", {{"kind", "batch"}});
//     }
#pragma once

#include <metrics/call_options.hpp>
#include <metrics/client.hpp>
#include <metrics/config.hpp>
#include <metrics/errors.hpp>
#include <metrics/scope.hpp>
#include <metrics/tags.hpp>
#include <metrics/telemetry.hpp>
#include <metrics/timer.hpp>

#include <filesystem>

namespace metrics {

/// The process-default client.
Client& default_client() noexcept;

/// Points the default client at a config file (or config), swapping its backends. Throws
/// ConfigError or LoadError and leaves the running backends in place when the config
/// cannot be used.
void configure(const std::filesystem::path& path);
void configure(Config config);

inline void incr(std::string_view key, double amount = 1,
                 const CallOptions& options = {}) noexcept {
  default_client().incr(key, amount, options);
}
inline void incr(std::string_view key, const CallOptions& options) noexcept {
  default_client().incr(key, 1, options);
}
inline void gauge(std::string_view key, double value, const CallOptions& options = {}) noexcept {
  default_client().gauge(key, value, options);
}
inline void timing(std::string_view key, double milliseconds,
                   const CallOptions& options = {}) noexcept {
  default_client().timing(key, milliseconds, options);
}
template <class Rep, class Period>
void timing(std::string_view key, std::chrono::duration<Rep, Period> d,
            const CallOptions& options = {}) noexcept {
  default_client().timing(key, d, options);
}
inline void distribution(std::string_view key, double value,
                         const CallOptions& options = {}) noexcept {
  default_client().distribution(key, value, options);
}
inline void set(std::string_view key, std::string_view member,
                const CallOptions& options = {}) noexcept {
  default_client().set(key, member, options);
}
inline void set(std::string_view key, int64_t member, const CallOptions& options = {}) noexcept {
  default_client().set(key, member, options);
}
inline void event(std::string_view title, std::string_view text,
                  const EventOptions& options = {}) noexcept {
  default_client().event(title, text, options);
}
inline Timer timer(std::string_view key, TagList tags = {}, const CallOptions& options = {}) {
  return default_client().timer(key, tags, options);
}
/// A BoundMetric on the default client: key and options fixed for hot loops.
inline BoundMetric bind(std::string_view key, const CallOptions& options = {}) {
  return default_client().bind(key, options);
}
/// Process-wide tags on the default client (Sentry's add_global_tags(all_threads=True)).
inline void add_global_tags(TagList tags) {
  default_client().add_global_tags(tags);
}

template <class F>
auto wraps(std::string key, F fn, OwnedTags tags = {}) {
  return wraps(default_client(), std::move(key), std::move(fn), std::move(tags));
}

/// Calls `fn` now, timing it (result:success / result:failure), and returns its result.
template <class F>
decltype(auto) timed(Client& client, std::string_view key, F&& fn, TagList tags = {}) {
  Timer t(client, key, tags, {});
  return std::forward<F>(fn)();
}
template <class F>
decltype(auto) timed(std::string_view key, F&& fn, TagList tags = {}) {
  return timed(default_client(), key, std::forward<F>(fn), tags);
}

}  // namespace metrics
