// The framework's own log: the spdlog logger named "metrics" (the application's, when it
// registered one), with rate limiting for anything that can repeat per call.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace metrics::detail {

/// The application's "metrics" logger if it registered one, else ours (stderr, warn).
std::shared_ptr<spdlog::logger> logger();

/// Logs at most one line per second per `key`; the next line that gets through says how
/// many were suppressed in between. Never throws.
void log_limited(spdlog::level::level_enum level, std::string_view key,
                 std::string_view message) noexcept;

}  // namespace metrics::detail
