// metrics::Client: one configured pipeline from metric calls to one or more backends.
#pragma once

#include <metrics/bound_metric.hpp>
#include <metrics/call_options.hpp>
#include <metrics/config.hpp>
#include <metrics/tags.hpp>
#include <metrics/telemetry.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace metrics {

class Timer;

namespace detail {
class ClientCore;
}

/// What Client::reload() did.
struct ReloadResult {
  /// swapped: the new backends run; unchanged: neither the file nor a plugin it uses
  /// changed, nothing was done; failed: the old backends still run, message says why.
  enum class Status { swapped, unchanged, failed };
  Status status = Status::unchanged;
  std::string message;  ///< the reason, for failed; what changed, for swapped
  explicit operator bool() const noexcept { return status != Status::failed; }
};

/// The sink of a call with skip_internal = false (Sentry's internal metrics). Called on
/// the calling thread, after sampling and tag merging, with the full name.
struct InternalHook {
  void (*fn)(void* context, std::string_view kind, std::string_view name, double value) = nullptr;
  void* context = nullptr;
};

/// A configured metrics pipeline. Metric calls are noexcept and never block on the
/// network; set-up (the constructor, apply_or_throw) throws ConfigError or LoadError.
/// A moved-from Client may only be destroyed or assigned to.
///
///     metrics::Client client(metrics::Config::from_file("config/metrics.toml"));
///     client.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", 200}}});
///     { auto t = client.timer("db.query"); run_query(); }
class Client {
 public:
  /// The dummy backend: every call is accepted and discarded.
  Client();
  /// Loads and creates every backend of `config`.
  explicit Client(Config config);
  /// Flushes (within 5 s) and destroys the backends.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  /// Adds `amount` to a counter.
  void incr(std::string_view key, double amount = 1, const CallOptions& options = {}) noexcept;
  void incr(std::string_view key, const CallOptions& options) noexcept { incr(key, 1, options); }
  /// Records the current level of something.
  void gauge(std::string_view key, double value, const CallOptions& options = {}) noexcept;
  /// Records a duration in milliseconds.
  void timing(std::string_view key, double milliseconds, const CallOptions& options = {}) noexcept;
  template <class Rep, class Period>
  void timing(std::string_view key, std::chrono::duration<Rep, Period> d,
              const CallOptions& options = {}) noexcept {
    timing(key, std::chrono::duration<double, std::milli>(d).count(), options);
  }
  /// Records one observation of a distribution, in options.unit.
  void distribution(std::string_view key, double value, const CallOptions& options = {}) noexcept;
  /// Adds a member to a set (counts unique values).
  void set(std::string_view key, std::string_view member, const CallOptions& options = {}) noexcept;
  void set(std::string_view key, int64_t member, const CallOptions& options = {}) noexcept;
  /// Sends an event, on backends that have events.
  void event(std::string_view title, std::string_view text,
             const EventOptions& options = {}) noexcept;
  /// Starts a timer that reports through timing() when it goes out of scope.
  Timer timer(std::string_view key, TagList tags = {}, const CallOptions& options = {});
  /// Fixes `key` and `options` (copied) for calls that carry only a value; see
  /// BoundMetric. Set-up, not a metric call: it allocates, and may throw std::bad_alloc.
  BoundMetric bind(std::string_view key, const CallOptions& options = {});

  /// Sends what the backends buffer; false when a backend did not finish in time.
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(5)) noexcept;

  /// Tags added to every call of this client, after the config's tags (later wins).
  void add_global_tags(TagList tags);
  void remove_global_tags(std::initializer_list<std::string_view> keys);

  /// Reads the config file again; builds the new backends first and swaps only if that
  /// worked. A failure leaves the running backends in place. Never throws.
  ReloadResult reload() noexcept;
  /// Replaces the config with `config`, with the same guarantees as reload().
  ReloadResult apply(Config config) noexcept;
  /// apply() for set-up code: throws the ConfigError or LoadError instead of returning it.
  void apply_or_throw(Config config);
  /// Watches the config file, and the plugin files the config uses, checking every
  /// `interval`; a change triggers reload(). Replaces a watch already running.
  void watch(std::chrono::milliseconds interval = std::chrono::milliseconds(500));
  void stop_watching() noexcept;

  void set_internal_hook(InternalHook hook) noexcept;

  Telemetry telemetry() const;
  /// The config in force.
  Config config() const;
  /// Dotted names of the backends in force.
  std::vector<std::string> backend_names() const;

 private:
  std::unique_ptr<detail::ClientCore> core_;
};

}  // namespace metrics
