// What a client says about itself: calls, sampled-out calls, drops by reason, errors.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace metrics {

/// A snapshot of a client's self-telemetry.
struct Telemetry {
  int64_t calls = 0;        ///< metric calls made (sampled out ones included)
  int64_t sampled_out = 0;  ///< calls not sent because of the sample rate
  int64_t emitted = 0;      ///< samples handed to a backend
  /// Every counter by name: the above, "dropped.<reason>" (host and plugin causes, one
  /// count per drop), "backend_refused" (emits a backend answered METRICS_ERR_DROPPED;
  /// the backend counts the cause), "backend_errors",
  /// "calls.direct_path" and "calls.general_path" (calls that went straight to the one
  /// backend, and calls that needed more: scoped tags, a tag key to strip, more than 8
  /// tags, several backends or an internal hook; the first kind costs less),
  /// "reloads.*", and whatever plugins counted through the host, under the names they
  /// gave (e.g. "dropped.queue_full").
  std::map<std::string, int64_t> counters;

  /// counters[name], or 0.
  int64_t get(const std::string& name) const {
    auto it = counters.find(name);
    return it == counters.end() ? 0 : it->second;
  }
};

}  // namespace metrics
