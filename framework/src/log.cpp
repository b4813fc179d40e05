#include "log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <chrono>
#include <map>
#include <mutex>

namespace metrics::detail {

std::shared_ptr<spdlog::logger> logger() {
  if (auto registered = spdlog::get("metrics")) return registered;
  // Not registered: the name stays free for the application, and the logging backend
  // does not mistake ours for the application's.
  static std::shared_ptr<spdlog::logger> own = [] {
    auto l = std::make_shared<spdlog::logger>(
        "metrics", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    l->set_level(spdlog::level::warn);
    return l;
  }();
  return own;
}

void log_limited(spdlog::level::level_enum level, std::string_view key,
                 std::string_view message) noexcept {
  try {
    struct State {
      std::chrono::steady_clock::time_point last{};
      uint64_t suppressed = 0;
    };
    static std::mutex mutex;
    static std::map<std::string, State, std::less<>> states;
    auto now = std::chrono::steady_clock::now();
    uint64_t suppressed = 0;
    {
      std::lock_guard lock(mutex);
      auto it = states.find(key);
      if (it == states.end()) it = states.emplace(std::string(key), State{}).first;
      State& s = it->second;
      if (s.last != std::chrono::steady_clock::time_point{} &&
          now - s.last < std::chrono::seconds(1)) {
        ++s.suppressed;
        return;
      }
      s.last = now;
      suppressed = s.suppressed;
      s.suppressed = 0;
    }
    if (suppressed != 0)
      logger()->log(level, "{} ({} similar messages suppressed)", message, suppressed);
    else
      logger()->log(level, "{}", message);
  } catch (...) {
    // Logging must never take the caller down.
  }
}

}  // namespace metrics::detail
