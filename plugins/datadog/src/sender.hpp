// The background thread that owns the network: at each flush interval (or when asked)
// it takes the aggregator's interval, encodes it, queues it within the buffer bound
// (dropping the oldest points first, counted), and sends the queue in requests that fit
// Datadog's limits, retrying with backoff. Callers never wait on it except in flush().
#pragma once

#include <metrics/sdk/host.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "aggregator.hpp"
#include "http_transport.hpp"
#include "options.hpp"
#include "payload.hpp"
#include "retry_policy.hpp"

namespace metrics::datadog {

class Sender {
 public:
  /// Starts the thread. `aggregator` must outlive the sender.
  Sender(const Settings& settings, metrics::sdk::Host host, Aggregator& aggregator);
  /// Delivers what is left within settings.shutdown_timeout, then stops the thread.
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  /// Queues one event (from any thread; never blocks on the network).
  void add_event(EventData event);

  /// Sends everything aggregated or queued now; waits at most `timeout` (negative: no
  /// limit). True when it was all delivered or definitively dropped in time.
  bool flush(std::chrono::milliseconds timeout);

  /// Asks for the current interval to be taken now (the aggregator is full).
  void take_early() noexcept;

  /// Points queued for sending now (for tests and telemetry).
  int64_t queued_points() const noexcept;

 private:
  using Clock = std::chrono::steady_clock;
  enum Queue { kSeries = 0, kDistributions = 1, kEvents = 2, kQueues = 3 };

  void run();
  void take_interval();
  void enforce_bound();
  void drop_front(Queue q, size_t count, const char* cause);
  // Sends queued items until all are gone or a retry is due; false when waiting to retry.
  bool send_queues(Clock::time_point deadline);
  bool send_queue(Queue q, Clock::time_point deadline);
  void log(metrics::sdk::LogLevel level, const std::string& message) const;
  void log_rejection_once(int status, const std::string& what, const HttpResponse& r);

  Settings settings_;
  int64_t (*unix_now_s_)() noexcept;  ///< settings_.unix_now_s, or the system clock
  metrics::sdk::Host host_;
  Aggregator& aggregator_;
  EncodeEnv env_;
  HttpTransport transport_;
  RetryPolicy retry_;

  // Shared with callers, under mutex_.
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // the sender waits on it
  std::condition_variable done_;  // flush() waits on it
  uint64_t flush_requested_ = 0;  // generation asked for
  uint64_t flush_done_ = 0;       // generation whose points are all delivered or dropped
  bool early_ = false;
  bool stop_ = false;
  Clock::time_point stop_deadline_{};
  std::deque<EventData> inbox_;
  int64_t queued_points_ = 0;  // mirror of the queues' size, for queued_points()

  // The sender thread's own state.
  std::deque<Item> queues_[kQueues];
  int64_t points_[kQueues] = {0, 0, 0};
  size_t split_limit_[kQueues];
  Clock::time_point retry_at_{};
  bool failing_ = false;  // a retryable failure is in progress (for log lines)
  bool logged_status_[600] = {};

  std::thread thread_;
};

}  // namespace metrics::datadog
