#include "retry_policy.hpp"

#include <algorithm>
#include <charconv>

namespace metrics::datadog {

Outcome classify(int status) noexcept {
  if (status >= 200 && status < 300) return Outcome::delivered;
  if (status == 0 || status == 408 || status == 429 || status >= 500) return Outcome::retry;
  if (status == 413) return Outcome::split;
  return Outcome::rejected;
}

RetryPolicy::RetryPolicy(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                         uint64_t seed)
    : base_(std::max<std::chrono::milliseconds>(base, std::chrono::milliseconds(1))),
      cap_(std::max(cap, base_)),
      rng_(seed) {}

std::chrono::milliseconds RetryPolicy::backoff(int retry) {
  int64_t d = base_.count();
  for (int i = 1; i < retry && d < cap_.count(); ++i) d *= 2;
  d = std::min<int64_t>(d, cap_.count());
  std::uniform_int_distribution<int64_t> jitter(d / 2, d);
  return std::chrono::milliseconds(jitter(rng_));
}

std::optional<std::chrono::milliseconds> RetryPolicy::rate_limit_reset(std::string_view h) {
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  while (!h.empty() && h.back() == ' ') h.remove_suffix(1);
  if (h.empty()) return std::nullopt;
  double seconds = 0;
  auto r = std::from_chars(h.data(), h.data() + h.size(), seconds);
  if (r.ec != std::errc() || r.ptr != h.data() + h.size() || seconds < 0 || seconds > 3600)
    return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace metrics::datadog
