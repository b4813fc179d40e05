// The client's own counters, by cause, and their report as datadog-go's
// datadog.dogstatsd.client.* metrics (tagged client:cpp).
#pragma once

#include <metrics/sdk/host.hpp>
#include <metrics/wire/buffer.hpp>
#include <metrics/wire/format.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace metrics::wire {

/// Why something was dropped. Each cause is also counted in the host as "dropped.<cause>".
enum class DropReason : uint8_t {
  queue_full,     // every buffer waits for the sender: raise sender_queue_size
  too_big,        // one line is longer than max_datagram_size: raise it or shorten tags
  writer,         // the socket refused the datagram (agent down, timeout)
  invalid_value,  // NaN, infinity, or a negative timing plain statsd cannot carry
  shutdown,       // still buffered when the shutdown deadline passed
};
constexpr size_t kDropReasons = 5;
std::string_view reason_name(DropReason r) noexcept;  // "queue_full", ...

constexpr size_t kMetricTypes = 6;  // MetricType values

/// One reading of every counter, totals since the pipeline was made.
struct TelemetrySnapshot {
  std::array<uint64_t, kMetricTypes> metrics_by_type{};
  uint64_t events = 0;
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t packets_dropped_queue = 0;
  uint64_t bytes_dropped_queue = 0;
  uint64_t packets_dropped_writer = 0;
  uint64_t bytes_dropped_writer = 0;
  std::array<uint64_t, kDropReasons> metrics_dropped{};
  std::array<uint64_t, kMetricTypes> aggregated_contexts_by_type{};

  uint64_t metrics() const noexcept;
  uint64_t metrics_dropped_total() const noexcept;
  uint64_t aggregated_contexts() const noexcept;
};

/// Counters that are not on the call path (drops, the sender's results). Thread-safe.
class Telemetry {
 public:
  explicit Telemetry(sdk::Host host) : host_(host) {}

  /// Counts a drop of `metrics` metric calls (and, for packet drops, packets and bytes).
  /// Cheap: the host hears of it at the next report_to_host().
  void dropped(DropReason why, uint64_t metrics, uint64_t packets = 0, uint64_t bytes = 0) noexcept;
  void sent(uint64_t packets, uint64_t bytes) noexcept;
  void event() noexcept { events_.fetch_add(1, std::memory_order_relaxed); }
  void aggregated(MetricType t, uint64_t contexts) noexcept;

  /// Tells the host what was dropped since the last call, as "dropped.<reason>". Called by
  /// the sender thread only (every flush interval, at flush() and at shutdown).
  void report_to_host() noexcept;

  /// Fills everything but metrics_by_type (the pipeline's shards count those).
  void read(TelemetrySnapshot& s) const noexcept;

 private:
  sdk::Host host_;
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> packets_sent_{0}, bytes_sent_{0};
  std::atomic<uint64_t> packets_dropped_queue_{0}, bytes_dropped_queue_{0};
  std::atomic<uint64_t> packets_dropped_writer_{0}, bytes_dropped_writer_{0};
  std::array<std::atomic<uint64_t>, kDropReasons> metrics_dropped_{};
  std::array<std::atomic<uint64_t>, kMetricTypes> aggregated_{};
  std::array<uint64_t, kDropReasons> reported_{};  // the sender thread's own
};

/// Writes the report of what changed between `last` and `now` as DogStatsD count lines,
/// each through `emit(fn)` where fn(Writer&) writes one line. `tags` is the encoded tag
/// list without "|#" ("client:cpp,client_version:1.0.0,client_transport:udp").
template <class Emit>
void write_telemetry(const TelemetrySnapshot& now, const TelemetrySnapshot& last,
                     std::string_view tags, Emit&& emit) {
  auto line = [&](std::string_view name, uint64_t value, std::string_view extra_tag = {}) {
    emit([&](Writer& w) {
      w.put("datadog.dogstatsd.client.");
      w.put(name);
      w.put(':');
      w.put_int(static_cast<int64_t>(value));
      w.put("|c|#");
      w.put(tags);
      if (!extra_tag.empty()) {
        w.put(',');
        w.put(extra_tag);
      }
    });
  };
  line("metrics", now.metrics() - last.metrics());
  for (size_t t = 0; t < kMetricTypes; ++t) {
    std::string tag = "metrics_type:" + std::string(type_name(static_cast<MetricType>(t)));
    line("metrics_by_type", now.metrics_by_type[t] - last.metrics_by_type[t], tag);
  }
  line("events", now.events - last.events);
  line("packets_sent", now.packets_sent - last.packets_sent);
  line("bytes_sent", now.bytes_sent - last.bytes_sent);
  line("packets_dropped", now.packets_dropped_queue + now.packets_dropped_writer -
                              last.packets_dropped_queue - last.packets_dropped_writer);
  line("bytes_dropped", now.bytes_dropped_queue + now.bytes_dropped_writer -
                            last.bytes_dropped_queue - last.bytes_dropped_writer);
  line("packets_dropped_queue", now.packets_dropped_queue - last.packets_dropped_queue);
  line("bytes_dropped_queue", now.bytes_dropped_queue - last.bytes_dropped_queue);
  line("packets_dropped_writer", now.packets_dropped_writer - last.packets_dropped_writer);
  line("bytes_dropped_writer", now.bytes_dropped_writer - last.bytes_dropped_writer);
  for (size_t r = 0; r < kDropReasons; ++r) {
    std::string tag = "reason:" + std::string(reason_name(static_cast<DropReason>(r)));
    line("metrics_dropped", now.metrics_dropped[r] - last.metrics_dropped[r], tag);
  }
  line("aggregated_context", now.aggregated_contexts() - last.aggregated_contexts());
  for (size_t t = 0; t < kMetricTypes; ++t) {
    std::string tag = "metrics_type:" + std::string(type_name(static_cast<MetricType>(t)));
    line("aggregated_context_by_type",
         now.aggregated_contexts_by_type[t] - last.aggregated_contexts_by_type[t], tag);
  }
}

}  // namespace metrics::wire
