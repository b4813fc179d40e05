// The client: callers pack lines into per-thread shard buffers (or the aggregator); one
// sender thread sends full buffers at once, everything every flush interval, the
// aggregator's contexts and the telemetry report. Bounded everywhere, every drop counted.
#pragma once

#include <metrics/abi.h>
#include <metrics/sdk/host.hpp>
#include <metrics/wire/aggregator.hpp>
#include <metrics/wire/buffer.hpp>
#include <metrics/wire/options.hpp>
#include <metrics/wire/sender.hpp>
#include <metrics/wire/telemetry.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace metrics::wire {

class Pipeline {
 public:
  /// Starts the sender thread. `telemetry_tags` (encoded, without "|#") tag the telemetry
  /// report when options.telemetry is on.
  Pipeline(const PipelineOptions& options, std::unique_ptr<Transport> transport, sdk::Host host,
           std::string telemetry_tags = {});
  /// Sends what is buffered (within options.shutdown_timeout), then stops the thread.
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  /// Packs one line written by fn(Writer&) into the calling thread's shard. Never waits on
  /// the network: a full buffer goes to the sender's queue, or is dropped and counted when
  /// the queue is full. Returns METRICS_OK or METRICS_ERR_DROPPED.
  template <class F>
  int32_t write(MetricType type, F&& fn) noexcept {
    Shard& s = shards_[thread_index() & mask_];
    std::lock_guard<SpinLock> g(s.lock);
    s.by_type[static_cast<size_t>(type)].add(1);
    return pack_into(s, fn);
  }
  /// As write, for an event.
  template <class F>
  int32_t write_event(F&& fn) noexcept {
    telemetry_.event();
    Shard& s = shards_[thread_index() & mask_];
    std::lock_guard<SpinLock> g(s.lock);
    return pack_into(s, fn);
  }

  /// The aggregator, or nullptr when aggregation is off.
  Aggregator* aggregator() noexcept { return aggregator_.get(); }

  /// Counts a metric refused before it reached a buffer.
  void dropped(DropReason why, uint64_t metrics = 1) noexcept { telemetry_.dropped(why, metrics); }
  Telemetry& telemetry() noexcept { return telemetry_; }

  /// Sends everything buffered and aggregated; waits at most `timeout` (negative: no
  /// limit). False when the deadline passed first.
  bool flush(std::chrono::milliseconds timeout);

  /// Every counter now, totals since start.
  TelemetrySnapshot snapshot() const noexcept;

  const PipelineOptions& options() const noexcept { return options_; }
  std::string_view transport_name() const noexcept { return sender_.transport_name(); }

 private:
  struct alignas(64) Shard {
    SpinLock lock;
    Buffer* buffer = nullptr;
    std::array<RelaxedCounter, kMetricTypes> by_type;
  };
  using Clock = std::chrono::steady_clock;

  Buffer* hand_over(Buffer* full) noexcept;
  template <class F>
  int32_t pack_into(Shard& s, F& fn) noexcept {
    PackResult r = pack(*s.buffer, fn);
    if (r == PackResult::ok) [[likely]]
      return METRICS_OK;
    if (r == PackResult::full) {
      s.buffer = hand_over(s.buffer);
      if (pack(*s.buffer, fn) == PackResult::ok) return METRICS_OK;
    }
    telemetry_.dropped(DropReason::too_big, 1);
    return METRICS_ERR_DROPPED;
  }
  void run();
  void send_ready(Clock::time_point deadline);
  void drain(Clock::time_point deadline, bool must);
  bool collect_partials(bool must);
  void send_own(Clock::time_point deadline);
  template <class F>
  void pack_own(F&& fn, Clock::time_point deadline);
  void write_telemetry_report(Clock::time_point deadline);

  PipelineOptions options_;
  Telemetry telemetry_;
  Sender sender_;
  std::string telemetry_tags_;
  std::unique_ptr<Aggregator> aggregator_;
  std::unique_ptr<Shard[]> shards_;
  size_t mask_ = 0;

  mutable std::mutex mutex_;         // guards pool_ and the control state below
  std::condition_variable cv_;       // wakes the sender
  std::condition_variable done_cv_;  // wakes flush() callers
  BufferPool pool_;
  bool waiting_ = false;
  /// Full buffers that make a caller wake a waiting sender (see hand_over).
  size_t wake_at_ready_ = 1;
  bool stop_ = false;
  uint64_t flush_requested_ = 0;
  uint64_t flush_done_ = 0;
  Clock::time_point stop_deadline_{};

  // The sender thread's own.
  Buffer* own_ = nullptr;
  std::vector<Buffer*> batch_;
  TelemetrySnapshot last_report_{};

  std::thread thread_;
};

}  // namespace metrics::wire
