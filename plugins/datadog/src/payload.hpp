// JSON encoding of what Datadog's HTTP API takes: v2 series, v1 distribution points and
// v1 events. Pure append functions, no I/O: each aggregated series becomes one Item (a
// JSON object as text) so that the batcher can cut requests anywhere between items and a
// retry re-sends the same text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <metrics/sdk/json.hpp>

#include "aggregator.hpp"

namespace metrics::datadog {

/// One encoded element of a request's top-level array (or a whole event body).
struct Item {
  int64_t timestamp = 0;  // unix seconds of its point(s)
  uint32_t points = 1;    // values it carries, for the buffer bound
  std::string json;
  uint32_t attempts = 0;  // failed sends so far (the sender's bookkeeping)
};

/// Series types of the v2 API (MetricIntakeType).
enum class SeriesType : int { unspecified = 0, count = 1, rate = 2, gauge = 3 };

/// What every item shares.
struct EncodeEnv {
  std::string host;
  std::vector<std::pair<std::string, std::string>> constant_tags;  // win over call tags
  int64_t interval_s = 10;                                         // for count series
};

// JSON string escaping is the SDK's (metrics/sdk/json.hpp).
using metrics::sdk::append_json_escaped;
using metrics::sdk::append_json_string;
/// Appends a finite double in its shortest round-trip form.
void append_json_number(std::string& out, double v);

/// The tags a series or event carries: call tags, then `instance:<value>`, then the
/// constant tags, a later key replacing an earlier one; "k:v", or "k" for an empty value.
std::vector<std::string> merge_tags(const std::vector<std::pair<std::string, std::string>>& call,
                                    std::string_view instance, const EncodeEnv& env);

/// The encoded output of one aggregated interval.
struct EncodedInterval {
  std::vector<Item> series;         // for POST /api/v2/series
  std::vector<Item> distributions;  // for POST /api/v1/distribution_points
  int64_t skipped_non_finite = 0;   // NaN / infinite values left out
};

/// Encodes every context of an interval, stamped `timestamp` (unix seconds).
EncodedInterval encode_interval(const std::vector<Context>& contexts, const EncodeEnv& env,
                                int64_t timestamp);

/// An event as /api/v1/events takes it.
struct EventData {
  std::string title;
  std::string text;
  std::vector<std::pair<std::string, std::string>> tags;
  std::string alert_type = "info";  // info, warning, error, success
  std::string priority = "normal";  // normal, low
  int64_t timestamp = 0;            // 0: the intake's time
  std::string hostname;             // empty: env.host
  std::string aggregation_key;
  std::string source_type_name;
};

/// Encodes one event as a complete request body.
Item encode_event(const EventData& e, const EncodeEnv& env, int64_t now);

/// The text around the items of a series or distribution request.
inline constexpr std::string_view kBatchPrefix = "{\"series\":[";
inline constexpr std::string_view kBatchSuffix = "]}";

}  // namespace metrics::datadog
