// metrics.dogstatsd.DogStatsdMetricsBackend (also offered as
// metrics.datadog.DogStatsdMetricsBackend): DogStatsD datagrams over UDP or a Unix
// datagram socket, with client-side aggregation and datadog-go's telemetry.
//
// To offer it from another module, link metrics_dogstatsd_backend and list the class:
//     METRICS_MODULE("metrics.datadog", "1.0.0", DatadogMetricsBackend,
//                    metrics::dogstatsd::DogStatsdMetricsBackend)
#pragma once

#include <metrics/sdk.hpp>
#include <metrics/wire/options.hpp>
#include <metrics/wire/telemetry.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace metrics::dogstatsd {

class DogStatsdMetricsBackend {
 public:
  static constexpr const char* name = "DogStatsdMetricsBackend";
  static constexpr const char* summary =
      "DogStatsD datagrams to a Datadog agent over UDP or a Unix socket, aggregated client-side";
  static constexpr uint32_t capabilities = METRICS_CAP_TAGS;
  static constexpr const char* timing_types[] = {"d", "ms", "h", nullptr};
  static constexpr sdk::Option options[] = {
      sdk::string_option("statsd_host", nullptr,
                         "Agent host, or unix:///path; wins over host and DD_AGENT_HOST"),
      sdk::int_option("statsd_port", nullptr, "Agent UDP port; wins over port").range(1, 65535),
      sdk::string_option("host", "127.0.0.1",
                         "Agent host name or address (IPv4 or IPv6), or unix:///path; "
                         "DD_DOGSTATSD_URL or DD_AGENT_HOST when not set here"),
      sdk::int_option("port", "8125", "Agent UDP port; DD_DOGSTATSD_PORT when not set here")
          .range(1, 65535),
      sdk::string_option("socket_path", nullptr,
                         "Unix datagram socket of the agent (/path or unix:///path); wins "
                         "over host and port"),
      sdk::tags_option("tags", nullptr,
                       "Constant tags on every metric and event; they win over call tags of "
                       "the same key. DD_ENV, DD_SERVICE, DD_VERSION add env, service, version"),
      sdk::int_option("max_datagram_size", "0",
                      "Largest datagram in bytes; 0 = 1432 on UDP, 8192 on a Unix socket")
          .range(0, 65507),
      sdk::int_option("flush_interval_ms", "100",
                      "Buffers and aggregated contexts are sent at least this often")
          .range(1, 3600000),
      sdk::bool_option("aggregation", "true",
                       "Sum counters, keep the last gauge and unique set members per context "
                       "between flushes"),
      sdk::string_option("timing_type", "d",
                         "Wire type of timing(): d (distribution), ms (timer) or h (histogram)")
          .one_of(timing_types),
      sdk::bool_option("telemetry", "true",
                       "Send datadog.dogstatsd.client.* telemetry every 10 s, tagged client:cpp"),
      sdk::int_option("resolve_interval_ms", "30000",
                      "The host name is resolved again this often; 0 resolves it once")
          .range(0, 86400000),
      sdk::int_option("sender_queue_size", "0",
                      "Full datagrams that may wait for the sender (0 = 2048 on UDP, 512 on a "
                      "Unix socket); beyond it they are dropped and counted as "
                      "dropped.queue_full")
          .range(0, 1000000),
      sdk::int_option("write_timeout_ms", "100",
                      "How long the sender waits on a full socket before dropping a datagram")
          .range(1, 60000),
      sdk::int_option("shutdown_timeout_ms", "2000",
                      "At shutdown, how long buffered metrics may take to send")
          .range(0, 600000),
  };

  explicit DogStatsdMetricsBackend(const sdk::CreateContext& ctx);
  ~DogStatsdMetricsBackend();
  DogStatsdMetricsBackend(const DogStatsdMetricsBackend&) = delete;
  DogStatsdMetricsBackend& operator=(const DogStatsdMetricsBackend&) = delete;

  int32_t emit(const sdk::Sample& sample) noexcept;
  int32_t event(const sdk::Event& event) noexcept;
  bool flush(std::chrono::milliseconds timeout);

  /// Where datagrams go, as chosen from options and the environment.
  const wire::Endpoint& endpoint() const noexcept;
  /// The client's own counters (what datadog.dogstatsd.client.* reports).
  wire::TelemetrySnapshot telemetry() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Picks the endpoint from option values and the environment: socket_path, then
/// statsd_host/host from the config, then DD_DOGSTATSD_URL, then DD_AGENT_HOST, then
/// 127.0.0.1; the port from statsd_port/port in the config, DD_DOGSTATSD_PORT, or 8125.
wire::Endpoint choose_endpoint(const sdk::Options& options);

}  // namespace metrics::dogstatsd
