// The backend's option schema, and the settings struct its validated values become.
// Declaring, reading and checking options happens here and nowhere else.
#pragma once

#include <metrics/sdk/options.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "defaults.hpp"

namespace metrics::datadog {

inline constexpr const char* kCompressionChoices[] = {"gzip", "deflate", "none", nullptr};

/// The option schema of DatadogMetricsBackend, shown by `metricsctl describe`.
inline constexpr metrics::sdk::Option kOptions[] = {
    metrics::sdk::string_option("api_key", nullptr,
                                "Datadog API key; write \"env:NAME\" to read it from the "
                                "environment. When absent, DD_API_KEY is used")
        .secret(),
    metrics::sdk::string_option("app_key", nullptr, "Datadog application key (optional)").secret(),
    metrics::sdk::string_option("site", defaults::site,
                                "Datadog site; the API base is https://api.<site>"),
    metrics::sdk::string_option("url", nullptr,
                                "Full API base URL (https://host[:port]); overrides site, for "
                                "proxies and tests"),
    metrics::sdk::tags_option("tags", nullptr,
                              "Constant tags added to every series and event; they win over "
                              "call tags"),
    metrics::sdk::string_option("host", nullptr,
                                "Host name attached to every series (default: this machine's)"),
    metrics::sdk::float_option("flush_interval_s", METRICS_DD_TEXT(METRICS_DD_FLUSH_INTERVAL_S),
                               "Seconds over which points are aggregated before sending")
        .range(0.01, 3600),
    metrics::sdk::float_option("timeout_s", METRICS_DD_TEXT(METRICS_DD_TIMEOUT_S),
                               "Seconds one HTTP request may take (connect, send, answer)")
        .range(0.01, 600),
    metrics::sdk::int_option("max_retries", METRICS_DD_TEXT(METRICS_DD_MAX_RETRIES),
                             "Retries of a failed request before its points are dropped")
        .range(0, 100),
    metrics::sdk::float_option("retry_base_s", METRICS_DD_TEXT(METRICS_DD_RETRY_BASE_S),
                               "First retry delay in seconds; it doubles on each retry")
        .range(0.001, 3600),
    metrics::sdk::float_option("retry_max_s", METRICS_DD_TEXT(METRICS_DD_RETRY_MAX_S),
                               "Longest retry delay in seconds")
        .range(0.001, 3600),
    metrics::sdk::float_option("shutdown_timeout_s", METRICS_DD_TEXT(METRICS_DD_SHUTDOWN_TIMEOUT_S),
                               "Seconds destroying the backend may spend delivering what is "
                               "buffered")
        .range(0, 600),
    metrics::sdk::int_option("max_buffer_points", METRICS_DD_TEXT(METRICS_DD_MAX_BUFFER_POINTS),
                             "Bound on points waiting to be sent; beyond it the oldest are "
                             "dropped and counted")
        .range(1, 1e9),
    metrics::sdk::string_option("ca_file", nullptr,
                                "PEM file of extra CA certificates to trust (the system's are "
                                "trusted too); verification is always on"),
    metrics::sdk::string_option("compression", defaults::compression,
                                "Request body compression: gzip, deflate or none")
        .one_of(kCompressionChoices),
};

enum class Compression { none, gzip, deflate };

/// The name used in Content-Encoding, or "" for none.
const char* content_encoding(Compression c) noexcept;

struct Settings {
  std::string api_key;   // secret: never logged, never in an error message
  std::string app_key;   // secret, may be empty
  std::string base_url;  // scheme://host[:port], no trailing slash
  std::vector<std::pair<std::string, std::string>> constant_tags;
  std::string host;  // attached to every series
  std::chrono::milliseconds flush_interval{static_cast<int64_t>(defaults::flush_interval_s * 1000)};
  std::chrono::milliseconds timeout{static_cast<int64_t>(defaults::timeout_s * 1000)};
  int64_t max_retries = defaults::max_retries;
  std::chrono::milliseconds retry_base{static_cast<int64_t>(defaults::retry_base_s * 1000)};
  std::chrono::milliseconds retry_max{static_cast<int64_t>(defaults::retry_max_s * 1000)};
  std::chrono::milliseconds shutdown_timeout{
      static_cast<int64_t>(defaults::shutdown_timeout_s * 1000)};
  int64_t max_buffer_points = defaults::max_buffer_points;
  std::string ca_file;
  Compression compression = Compression::gzip;
  size_t max_compressed_bytes = defaults::max_compressed_bytes;
  size_t max_uncompressed_bytes = defaults::max_uncompressed_bytes;
  /// The wall clock, in Unix seconds: point and event timestamps and the intake's age
  /// limits are read from it. Null: the system clock. Not an option; set by tests, which
  /// move time forward to reach those limits.
  int64_t (*unix_now_s)() noexcept = nullptr;
};

/// Builds the settings from validated options. `getenv` reads the environment (injected so
/// tests need not touch the process's). Throws std::invalid_argument with a message that
/// says how to fix the problem and never contains a key.
Settings settings_from_options(const metrics::sdk::Options& options,
                               const char* (*getenv)(const char*) = nullptr);

/// This machine's host name, as Datadog's clients attach it.
std::string default_host_name();

}  // namespace metrics::datadog
