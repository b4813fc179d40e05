// Every default of the Datadog HTTP backend, in one place (as datadog-go's options.go).
// The option schema (backend.hpp) and the code that reads the options both take their
// values from here, so the two can never disagree.
#pragma once

#include <cstddef>
#include <cstdint>

// Numeric defaults are macros so that the option schema can show them as text
// (METRICS_DD_TEXT) from the same single definition.
#define METRICS_DD_FLUSH_INTERVAL_S 10
#define METRICS_DD_TIMEOUT_S 10
#define METRICS_DD_MAX_RETRIES 5
#define METRICS_DD_RETRY_BASE_S 2
#define METRICS_DD_RETRY_MAX_S 60
#define METRICS_DD_SHUTDOWN_TIMEOUT_S 5
#define METRICS_DD_MAX_BUFFER_POINTS 100000
#define METRICS_DD_TEXT_(x) #x
#define METRICS_DD_TEXT(x) METRICS_DD_TEXT_(x)

namespace metrics::datadog::defaults {

// Where to send. The API base is https://api.<site> unless `url` overrides it.
inline constexpr const char* site = "datadoghq.com";
inline constexpr const char* api_key_env = "DD_API_KEY";

// Aggregation interval, and the longest a single HTTP exchange may take.
inline constexpr double flush_interval_s = METRICS_DD_FLUSH_INTERVAL_S;
inline constexpr double timeout_s = METRICS_DD_TIMEOUT_S;

// Retries: exponential backoff with jitter, 2 s doubling, capped at 60 s.
inline constexpr int64_t max_retries = METRICS_DD_MAX_RETRIES;
inline constexpr double retry_base_s = METRICS_DD_RETRY_BASE_S;
inline constexpr double retry_max_s = METRICS_DD_RETRY_MAX_S;

// How long destroying the backend may take to deliver what is still buffered.
inline constexpr double shutdown_timeout_s = METRICS_DD_SHUTDOWN_TIMEOUT_S;

// The bound on points waiting to be sent (aggregated or queued); the oldest go first.
inline constexpr int64_t max_buffer_points = METRICS_DD_MAX_BUFFER_POINTS;

inline constexpr const char* compression = "gzip";

// Datadog's intake limits for one request.
inline constexpr size_t max_compressed_bytes = 500 * 1024;         // 512000 bytes
inline constexpr size_t max_uncompressed_bytes = 5 * 1024 * 1024;  // 5242880 bytes

// Points older than this are not sent (the intake refuses them); events may be older.
inline constexpr int64_t max_point_age_s = 3600;
inline constexpr int64_t max_event_age_s = 18 * 3600;

// One distribution item carries at most this many values; more are split into several
// points of the same series so that no single item outgrows a request.
inline constexpr size_t max_values_per_distribution_point = 20'000;

// Endpoints.
inline constexpr const char* series_path = "/api/v2/series";
inline constexpr const char* distribution_path = "/api/v1/distribution_points";
inline constexpr const char* events_path = "/api/v1/events";

inline constexpr const char* user_agent = "metrics-cpp-datadog/1.0";

}  // namespace metrics::datadog::defaults
