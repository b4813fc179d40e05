// Defaults, in one place, and the settings of a pipeline (transport, packing, sender).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace metrics::wire {

/// Every default of the statsd and DogStatsD backends. Option schemas, documentation and
/// config/*.toml quote these values.
struct Defaults {
  static constexpr const char* host = "127.0.0.1";
  static constexpr uint16_t port = 8125;
  /// Fits one Ethernet frame after IP and UDP headers, as datadog-go's default.
  static constexpr size_t max_datagram_size_udp = 1432;
  /// A Unix datagram socket has no MTU; datadog-go's default.
  static constexpr size_t max_datagram_size_uds = 8192;
  static constexpr size_t min_datagram_size = 64;
  static constexpr size_t max_datagram_size = 65507;
  static constexpr std::chrono::milliseconds flush_interval{100};
  static constexpr std::chrono::milliseconds resolve_interval{30000};
  /// Full buffers that may wait for the sender (datadog-go's buffer pool sizes); beyond
  /// that a full buffer is dropped and counted. Buffers are made when first needed.
  static constexpr size_t sender_queue_size_udp = 2048;
  static constexpr size_t sender_queue_size_uds = 512;
  static constexpr std::chrono::milliseconds write_timeout{100};
  static constexpr std::chrono::milliseconds reconnect_interval{1000};
  static constexpr std::chrono::milliseconds shutdown_timeout{2000};
  static constexpr std::chrono::milliseconds telemetry_interval{10000};
  /// An aggregated context not updated for this many flushes is forgotten (its strings
  /// freed); a context in steady use is kept, so its calls allocate nothing.
  static constexpr uint32_t context_idle_flushes = 10;
};

/// Where datagrams go.
struct Endpoint {
  enum class Kind { udp, uds };
  Kind kind = Kind::udp;
  std::string host = Defaults::host;  // udp
  uint16_t port = Defaults::port;     // udp
  std::string path;                   // uds
};

/// Parses "udp://host:port", "unix:///path", "unixgram:///path", "host:port", "[v6]:port"
/// or a bare host. Throws std::invalid_argument naming the accepted forms.
Endpoint parse_endpoint(std::string_view text, uint16_t default_port = Defaults::port);

/// A readable form for logs: "udp://127.0.0.1:8125" or "unix:///run/dsd.socket".
std::string to_string(const Endpoint& e);

/// Everything a Pipeline needs.
struct PipelineOptions {
  Endpoint endpoint;
  size_t max_datagram_size = Defaults::max_datagram_size_udp;
  std::chrono::milliseconds flush_interval = Defaults::flush_interval;
  std::chrono::milliseconds resolve_interval = Defaults::resolve_interval;  // 0: never again
  size_t sender_queue_size = Defaults::sender_queue_size_udp;
  std::chrono::milliseconds write_timeout = Defaults::write_timeout;
  std::chrono::milliseconds shutdown_timeout = Defaults::shutdown_timeout;
  bool aggregation = false;
  bool telemetry = false;
  std::chrono::milliseconds telemetry_interval = Defaults::telemetry_interval;
  /// Shards of buffers and aggregation state; callers pick one by thread. 0: automatic.
  size_t shards = 0;
};

/// Checks ranges; throws std::invalid_argument that says which option to change and how.
void validate(const PipelineOptions& o);

}  // namespace metrics::wire
