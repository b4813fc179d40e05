// What to do with a request's answer, and how long to wait before trying again:
// exponential backoff with jitter (base doubling, capped), X-RateLimit-Reset honoured.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace metrics::datadog {

enum class Outcome {
  delivered,  // 2xx
  retry,      // connection error, timeout, 408, 429, 5xx: keep the points, try later
  split,      // 413: the body is too large, send it in halves
  rejected,   // other 4xx (400 bad payload, 403 bad key, ...): never retried
};

/// `status` 0 stands for "no HTTP answer" (connection refused, timeout, TLS failure).
Outcome classify(int status) noexcept;

class RetryPolicy {
 public:
  RetryPolicy(std::chrono::milliseconds base, std::chrono::milliseconds cap,
              uint64_t seed = std::random_device{}());

  /// The wait before retry number `retry` (1 for the first): a uniformly drawn value in
  /// [d/2, d] where d = min(cap, base * 2^(retry-1)).
  std::chrono::milliseconds backoff(int retry);

  /// The wait a 429's X-RateLimit-Reset header asks for (seconds until the limit resets),
  /// or nothing when it is absent or unreadable.
  static std::optional<std::chrono::milliseconds> rate_limit_reset(std::string_view header);

 private:
  std::chrono::milliseconds base_;
  std::chrono::milliseconds cap_;
  std::mt19937_64 rng_;
};

}  // namespace metrics::datadog
