#include <metrics/wire/telemetry.hpp>

#include <string>

namespace metrics::wire {

std::string_view reason_name(DropReason r) noexcept {
  switch (r) {
    case DropReason::queue_full:
      return "queue_full";
    case DropReason::too_big:
      return "too_big";
    case DropReason::writer:
      return "writer";
    case DropReason::invalid_value:
      return "invalid_value";
    case DropReason::shutdown:
      return "shutdown";
  }
  return "unknown";
}

uint64_t TelemetrySnapshot::metrics() const noexcept {
  uint64_t n = 0;
  for (auto v : metrics_by_type) n += v;
  return n;
}
uint64_t TelemetrySnapshot::metrics_dropped_total() const noexcept {
  uint64_t n = 0;
  for (auto v : metrics_dropped) n += v;
  return n;
}
uint64_t TelemetrySnapshot::aggregated_contexts() const noexcept {
  uint64_t n = 0;
  for (auto v : aggregated_contexts_by_type) n += v;
  return n;
}

void Telemetry::dropped(DropReason why, uint64_t metrics, uint64_t packets,
                        uint64_t bytes) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  metrics_dropped_[static_cast<size_t>(why)].fetch_add(metrics, relaxed);
  if (why == DropReason::queue_full) {
    packets_dropped_queue_.fetch_add(packets, relaxed);
    bytes_dropped_queue_.fetch_add(bytes, relaxed);
  } else if (why == DropReason::writer || why == DropReason::shutdown) {
    packets_dropped_writer_.fetch_add(packets, relaxed);
    bytes_dropped_writer_.fetch_add(bytes, relaxed);
  }
}

namespace {

// What to do about each cause, for the log line that reports it.
std::string_view remedy(DropReason r) noexcept {
  switch (r) {
    case DropReason::queue_full:
      return "the sender cannot keep up; raise sender_queue_size, or turn aggregation on";
    case DropReason::too_big:
      return "a single line is longer than max_datagram_size; raise it or use fewer, shorter "
             "tags";
    case DropReason::writer:
      return "the socket refused datagrams; is the agent or daemon running and reachable?";
    case DropReason::invalid_value:
      return "NaN, infinity or a negative timing cannot be sent; check the values passed";
    case DropReason::shutdown:
      return "buffered metrics were still unsent when shutdown_timeout_ms passed; raise it";
  }
  return {};
}

}  // namespace

void Telemetry::report_to_host() noexcept {
  for (size_t i = 0; i < kDropReasons; ++i) {
    uint64_t now = metrics_dropped_[i].load(std::memory_order_relaxed);
    if (now == reported_[i]) continue;
    try {
      std::string message = "dropped " + std::to_string(now - reported_[i]) + " metric(s) (" +
                            std::string(reason_name(static_cast<DropReason>(i))) +
                            "): " + std::string(remedy(static_cast<DropReason>(i)));
      host_.log(sdk::LogLevel::warn, message);
    } catch (...) {
    }
    char name[32] = "dropped.";
    auto r = reason_name(static_cast<DropReason>(i));
    size_t n = 8;
    for (char c : r) name[n++] = c;
    host_.count(std::string_view(name, n), static_cast<int64_t>(now - reported_[i]));
    reported_[i] = now;
  }
}

void Telemetry::sent(uint64_t packets, uint64_t bytes) noexcept {
  packets_sent_.fetch_add(packets, std::memory_order_relaxed);
  bytes_sent_.fetch_add(bytes, std::memory_order_relaxed);
}

void Telemetry::aggregated(MetricType t, uint64_t contexts) noexcept {
  aggregated_[static_cast<size_t>(t)].fetch_add(contexts, std::memory_order_relaxed);
}

void Telemetry::read(TelemetrySnapshot& s) const noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  s.events = events_.load(relaxed);
  s.packets_sent = packets_sent_.load(relaxed);
  s.bytes_sent = bytes_sent_.load(relaxed);
  s.packets_dropped_queue = packets_dropped_queue_.load(relaxed);
  s.bytes_dropped_queue = bytes_dropped_queue_.load(relaxed);
  s.packets_dropped_writer = packets_dropped_writer_.load(relaxed);
  s.bytes_dropped_writer = bytes_dropped_writer_.load(relaxed);
  for (size_t i = 0; i < kDropReasons; ++i)
    s.metrics_dropped[i] = metrics_dropped_[i].load(relaxed);
  for (size_t i = 0; i < kMetricTypes; ++i)
    s.aggregated_contexts_by_type[i] = aggregated_[i].load(relaxed);
}

}  // namespace metrics::wire
