// The host's services (logging, self-telemetry) as a small C++ object a plugin keeps.
#pragma once

#include <metrics/abi.h>
#include <metrics/sdk/views.hpp>

#include <cstdint>
#include <string_view>

namespace metrics::sdk {

enum class LogLevel : uint32_t {
  trace = METRICS_LOG_TRACE,
  debug = METRICS_LOG_DEBUG,
  info = METRICS_LOG_INFO,
  warn = METRICS_LOG_WARN,
  error = METRICS_LOG_ERROR,
};

/// Copyable handle on metrics_host_api_t; valid from create until destroy returns.
/// A default-constructed Host (no host given) does nothing, which keeps plugin unit tests
/// that build a backend directly simple.
class Host {
 public:
  Host() = default;
  explicit Host(const metrics_host_api_t* api) noexcept : api_(api) {}

  void log(LogLevel level, std::string_view message) const noexcept {
    if (api_ != nullptr && api_->log != nullptr)
      api_->log(api_->host_context, static_cast<uint32_t>(level), to_str(message));
  }
  /// Adds to the host's self-telemetry counter `name`, e.g. count("dropped.queue_full").
  void count(std::string_view name, int64_t delta = 1) const noexcept {
    if (api_ != nullptr && api_->count != nullptr)
      api_->count(api_->host_context, to_str(name), delta);
  }
  const metrics_host_api_t* raw() const noexcept { return api_; }

 private:
  const metrics_host_api_t* api_ = nullptr;
};

}  // namespace metrics::sdk
