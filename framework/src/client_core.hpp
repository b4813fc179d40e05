// The state behind metrics::Client: the published pipeline, the writer side that replaces
// it, and the call path that reads it.
#pragma once

#include <metrics/client.hpp>

#include "bound_state.hpp"
#include "call_path.hpp"
#include "pipeline.hpp"
#include "read_section.hpp"
#include "telemetry_store.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace metrics::detail {

/// A ScopedTags frame, linked from the thread record (innermost first).
struct ScopeFrame {
  OwnedTags tags;
  ScopeFrame* outer = nullptr;
  /// This frame's tags set over its outer frames' (a dict update), as views of the
  /// frames' strings (an outer frame outlives the inner ones): what the direct path puts
  /// after the base tags. Made when the frame is.
  std::vector<metrics_tag_t> merged;
  /// Whether the direct path may take calls in this frame: no merged key of the bad-tag
  /// shape (the general path strips or drops those), at most DirectTags::kMaxScopedTags.
  bool direct = false;
};

class ClientCore {
 public:
  ClientCore(Config config, std::vector<Route> routes, std::shared_ptr<TelemetryStore> telemetry);
  ~ClientCore();

  /// The call path: sample, name, tags, filter, emit. Never throws. Defined in
  /// call_path.cpp, where the Client's metric calls inline it.
  void record(metrics_kind_t kind, std::string_view key, double value, const CallOptions& options,
              std::string_view member = {}) noexcept;
  /// A BoundMetric's call (bound_metric.cpp, where its calls inline it). Never throws.
  void record_bound(const BoundState& bound, metrics_kind_t kind, double value) noexcept;
  void record_event(std::string_view title, std::string_view text,
                    const EventOptions& options) noexcept;
  bool flush(std::chrono::milliseconds timeout) noexcept;

  ReloadResult apply(Config config) noexcept;
  /// apply() that lets the set-up error through (for metrics::configure).
  ReloadResult swap_to(Config config);
  /// Reads the config file again; "unchanged" when neither it nor a plugin file it uses
  /// changed.
  ReloadResult reload() noexcept;
  void watch(std::chrono::milliseconds interval);
  void stop_watching() noexcept;
  void add_global_tags(const OwnedTags& tags);
  void remove_global_tags(std::initializer_list<std::string_view> keys);
  void set_internal_hook(InternalHook hook);
  /// Registers a BoundMetric's state, prepared for the pipeline in force and again on
  /// each publish; detach() unregisters it (its destructor does).
  void attach(BoundState* bound);
  void detach(BoundState* bound) noexcept;

  Telemetry telemetry() const { return telemetry_->snapshot(); }
  Config config() const;
  std::vector<std::string> backend_names() const;
  const std::shared_ptr<TelemetryStore>& telemetry_store() const { return telemetry_; }

 private:
  /// After sampling: the delivering part of record(), out of line so that a sampled-out
  /// call does not pay for its frame. send_set carries a set's member.
  [[gnu::noinline]] void send(ThreadRecord* record, metrics_kind_t kind, std::string_view key,
                              double value, const CallOptions& options) noexcept;
  [[gnu::noinline]] void send_set(ThreadRecord* record, std::string_view key, double value,
                                  std::string_view member, const CallOptions& options) noexcept;
  /// After sampling by its own rate: a BoundMetric's call.
  [[gnu::noinline]] void send_bound(ThreadRecord* record, const BoundState& bound,
                                    metrics_kind_t kind, double value) noexcept;
  void send_sample(ThreadRecord* record, metrics_kind_t kind, std::string_view key, double value,
                   std::string_view member, const CallOptions& options) noexcept;
  /// True when the call's own rate drops it (counted). Decided before the read section.
  bool dropped_by_call_rate(ThreadRecord* record, const std::optional<double>& call_rate) noexcept;
  /// The rate a call passes on, in `rate`: its own (already decided), else the config's,
  /// which is decided here. False when the config's rate drops the call (counted).
  bool pass_rate(ThreadRecord* record, const std::optional<double>& call_rate, const Pipeline& p,
                 double& rate) noexcept;
  /// Hands `sample` to the direct path's backend and counts how that ended.
  void emit_direct(ThreadRecord* record, const Pipeline& p, const DirectEmit& direct,
                   const metrics_sample_t& sample) noexcept;
  /// Counts and reports an emit the direct path's backend refused. Kept out of line so
  /// that the direct path keeps nothing but the pipeline across the plugin call.
  [[gnu::cold, gnu::noinline]] void direct_emit_failed(ThreadRecord* record, const Pipeline& p,
                                                       const metrics_sample_t& sample,
                                                       int32_t status) noexcept;
  /// The direct path for a call inside ScopedTags frames that allow it (`call` as for
  /// deliver): emits and returns true, or returns false for the general path. Inside a
  /// read section.
  /// The direct path's end, shared by send_sample and emit_scoped: merges the tags
  /// (`scoped` as for take_tags), joins the name and emits `sample`; false, emitting
  /// nothing, for what the general path must take. Inline (call_path.cpp).
  bool emit_merged(ThreadRecord* record, const Pipeline& p, metrics_sample_t& sample,
                   const CallOptions& options, const metrics_tag_t* scoped,
                   size_t scoped_count) noexcept;
  [[gnu::noinline]] bool emit_scoped(ThreadRecord* record, const Pipeline& p,
                                     const metrics_sample_t& call,
                                     const CallOptions& options) noexcept;
  /// The general path, for what the direct path does not take. Inside a read section.
  /// The general path. `call` holds everything but the tags, with the key as its name,
  /// and the rate already decided (the call kept).
  [[gnu::noinline]] void deliver(ThreadRecord* record, const Pipeline& p,
                                 const metrics_sample_t& call, const CallOptions& options) noexcept;
  /// Publishes `next`, waits for readers of the old pipeline, then destroys it (flushing
  /// and destroying backends it alone held), with the bound metrics' forms prepared for
  /// it. Caller holds writer_mutex_.
  void publish(std::unique_ptr<Pipeline> next);
  std::unique_ptr<Pipeline> copy_current() const;

  /// The file the config in force came from: what the watcher polls, without copying
  /// the whole Config each time.
  std::string config_source() const;
  /// True when a module file of the current pipeline was replaced on disk.
  bool plugin_files_changed() const;
  ReloadResult fail_reload(const std::string& why) noexcept;

  std::shared_ptr<TelemetryStore> telemetry_;
  std::atomic<Pipeline*> current_{nullptr};
  std::mutex reload_mutex_;  // one reload at a time (watcher, SIGHUP, API)
  std::thread watcher_;
  std::mutex watch_mutex_;
  std::condition_variable watch_wakeup_;
  bool watch_stop_ = false;
  mutable std::mutex writer_mutex_;
  OwnedTags global_tags_;
  std::vector<BoundState*> bound_;  // under writer_mutex_
};

// Defined here, inline, for the two call paths that share them (call_path.cpp,
// bound_metric.cpp).
[[gnu::always_inline]] inline bool ClientCore::dropped_by_call_rate(
    ThreadRecord* record, const std::optional<double>& call_rate) noexcept {
  if (call_rate && !keep_sample(record, *call_rate)) [[unlikely]] {
    bump(telemetry_->counters_for(record).sampled_out);
    return true;
  }
  return false;
}

[[gnu::always_inline]] inline bool ClientCore::pass_rate(ThreadRecord* record,
                                                         const std::optional<double>& call_rate,
                                                         const Pipeline& p, double& rate) noexcept {
  rate = 1.0;
  if (call_rate) [[unlikely]] {
    rate = std::min(*call_rate, 1.0);
  } else if (p.config.sample_rate < 1.0) [[unlikely]] {
    rate = p.config.sample_rate;
    if (!keep_sample(record, rate)) {
      bump(telemetry_->counters_for(record).sampled_out);
      return false;
    }
  }
  return true;
}

[[gnu::always_inline]] inline void ClientCore::emit_direct(
    ThreadRecord* record, const Pipeline& p, const DirectEmit& direct,
    const metrics_sample_t& sample) noexcept {
  const int32_t status = direct.emit(direct.instance, &sample);
  if (status == METRICS_OK) [[likely]]
    bump(telemetry_->counters_for(record).direct);
  else
    direct_emit_failed(record, p, sample, status);
}

}  // namespace metrics::detail
