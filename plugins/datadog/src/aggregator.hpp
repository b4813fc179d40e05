// In-process aggregation over one flush interval, per (kind, name, instance, tag set), as
// Datadog's ThreadStats and datadog-go's aggregator do: counters summed (scaled by
// 1/sample_rate), gauges keep the last value, sets keep their unique members, timings and
// distributions keep every value.
//
// add() is the caller's path: a hash, one short spin-locked section in one of several
// shards, no allocation once a series exists in the interval. take() moves everything out
// for the sender thread and starts a new interval.
#pragma once

#include <metrics/sdk/views.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace metrics::datadog {

/// One aggregated series of one interval.
struct Context {
  metrics::sdk::Kind kind = metrics::sdk::Kind::counter;
  uint64_t hash = 0;
  std::string name;
  std::string instance;
  std::string unit;
  std::vector<std::pair<std::string, std::string>> tags;  // as the caller gave them
  double value = 0;                                       // counter: sum; gauge: last value
  std::vector<double> values;                             // timing, distribution: every value
  std::unordered_set<std::string> members;                // set
};

class Aggregator {
 public:
  /// `max_points` bounds the values held (one per counter or gauge series, one per
  /// distribution value, one per set member). `on_full` is called (from the caller's
  /// thread, at most once until the next take()) when the bound is reached, so the owner
  /// can take the interval early.
  explicit Aggregator(int64_t max_points, std::function<void()> on_full = {});
  ~Aggregator();
  Aggregator(const Aggregator&) = delete;
  Aggregator& operator=(const Aggregator&) = delete;

  /// Adds one sample. Returns false when it was dropped because the bound is reached.
  bool add(const metrics::sdk::Sample& sample);

  /// Moves out every series aggregated since the last take().
  std::vector<Context> take();

  /// Values held now (approximate while adds run).
  int64_t points() const noexcept { return points_.load(std::memory_order_relaxed); }

 private:
  struct Shard;
  static constexpr size_t kShards = 16;

  std::unique_ptr<Shard[]> shards_;
  std::atomic<int64_t> points_{0};
  std::atomic<bool> full_signalled_{false};
  int64_t max_points_;
  std::function<void()> on_full_;
};

}  // namespace metrics::datadog
