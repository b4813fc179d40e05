// Which answers are retried, split or refused, and how long the waits are.
#include <catch2/catch.hpp>

#include <set>

#include "retry_policy.hpp"

using namespace metrics::datadog;
using namespace std::chrono_literals;

TEST_CASE("answers are classified as Datadog's clients do", "[datadog][retry]") {
  auto [status, outcome] = GENERATE(table<int, Outcome>({
      {200, Outcome::delivered},
      {202, Outcome::delivered},
      {0, Outcome::retry},
      {408, Outcome::retry},
      {429, Outcome::retry},
      {500, Outcome::retry},
      {503, Outcome::retry},
      {413, Outcome::split},
      {400, Outcome::rejected},
      {401, Outcome::rejected},
      {403, Outcome::rejected},
      {404, Outcome::rejected},
  }));
  CAPTURE(status);
  CHECK(classify(status) == outcome);
}

TEST_CASE("backoff doubles from the base with jitter in its upper half and stops at the cap",
          "[datadog][retry]") {
  RetryPolicy policy(2s, 60s, 7);
  for (int round = 0; round < 200; ++round) {
    int64_t expected = 2000;
    for (int retry = 1; retry <= 8; ++retry) {
      const int64_t d = std::min<int64_t>(expected, 60000);
      auto wait = policy.backoff(retry).count();
      CAPTURE(retry, wait);
      CHECK(wait >= d / 2);
      CHECK(wait <= d);
      expected *= 2;
    }
  }
  // Jitter: the waits of one step are not all equal.
  std::set<int64_t> seen;
  for (int i = 0; i < 50; ++i) seen.insert(policy.backoff(3).count());
  CHECK(seen.size() > 10);
}

TEST_CASE("X-RateLimit-Reset is read as seconds, anything else is ignored", "[datadog][retry]") {
  CHECK(RetryPolicy::rate_limit_reset("7") == std::chrono::milliseconds(7000));
  CHECK(RetryPolicy::rate_limit_reset(" 1.5 ") == std::chrono::milliseconds(1500));
  CHECK(RetryPolicy::rate_limit_reset("") == std::nullopt);
  CHECK(RetryPolicy::rate_limit_reset("soon") == std::nullopt);
  CHECK(RetryPolicy::rate_limit_reset("-3") == std::nullopt);
  CHECK(RetryPolicy::rate_limit_reset("999999") == std::nullopt);
}
