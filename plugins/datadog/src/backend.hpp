// metrics.datadog.DatadogMetricsBackend: what Sentry's backend of that name does with
// Datadog's ThreadStats, in C++: samples aggregated in the process per flush interval
// and sent over HTTPS to the Datadog API by a background thread.
#pragma once

#include <metrics/sdk.hpp>

#include <chrono>
#include <memory>

#include "aggregator.hpp"
#include "options.hpp"

namespace metrics::datadog {

class Sender;

class DatadogMetricsBackend {
 public:
  static constexpr const char* name = "DatadogMetricsBackend";
  static constexpr const char* summary =
      "Datadog HTTP API over HTTPS: series aggregated in process, distributions, events";
  static constexpr const auto& options = kOptions;
  static constexpr uint32_t capabilities = METRICS_CAP_TAGS;

  explicit DatadogMetricsBackend(const metrics::sdk::CreateContext& ctx);
  /// Builds from settings directly (tests, benchmarks).
  DatadogMetricsBackend(const Settings& settings, metrics::sdk::Host host);
  ~DatadogMetricsBackend();

  int32_t emit(const metrics::sdk::Sample& sample);
  bool flush(std::chrono::milliseconds timeout);
  void event(const metrics::sdk::Event& event);

  /// Points waiting in the send queue (not counting the interval being aggregated).
  int64_t queued_points() const noexcept;
  /// Values held in the interval being aggregated.
  int64_t aggregated_points() const noexcept { return aggregator_.points(); }

 private:
  metrics::sdk::Host host_;
  Aggregator aggregator_;
  std::unique_ptr<Sender> sender_;
};

}  // namespace metrics::datadog
