// Large flushes: requests cut to stay within Datadog's limits (500 KB compressed, 5 MB
// inflated) and, together, carrying every point exactly once.
#include <catch2/catch.hpp>

#include <unordered_map>

#include "harness.hpp"
#include "https_server.hpp"
#include "json_helpers.hpp"

using namespace dd_test;
using namespace std::chrono_literals;

namespace {
constexpr size_t kMaxCompressed = 512000;
constexpr size_t kMaxUncompressed = 5242880;
}  // namespace

TEST_CASE(
    "a flush of 200,000 distinct series is split into requests within both limits that "
    "together carry every point once",
    "[datadog][integration][splitting]") {
  HttpsServer server;
  RecordingHost host;
  auto options = test_options(server.url());
  options["max_buffer_points"] = int64_t{400000};
  options["timeout_s"] = 20.0;
  Backend backend(options, host);
  constexpr int kSeries = 200000;
  for (int i = 0; i < kSeries; ++i)
    REQUIRE(backend.counter("split.test.series." + std::to_string(i), i % 97 + 1,
                            {{"shard", std::to_string(i % 13)}, {"region", "eu-west-1"}}) ==
            METRICS_OK);
  REQUIRE(backend.flush(60s) == METRICS_OK);

  const auto requests = server.requests();
  REQUIRE(requests.size() >= 2);
  std::unordered_map<std::string, double> seen;
  size_t points = 0;
  for (const auto& r : requests) {
    REQUIRE(r.path == "/api/v2/series");
    CHECK(r.header("content-encoding") == "gzip");
    CHECK(r.raw_body.size() <= kMaxCompressed);
    CHECK(r.body.size() <= kMaxUncompressed);
    for (const auto& s : series_of(r.body)) {
      auto value = s->getArray("points")->getObject(0)->getValue<double>("value");
      seen[s->getValue<std::string>("metric")] += value;
      ++points;
    }
  }
  CHECK(points == kSeries);
  REQUIRE(seen.size() == kSeries);
  for (int i = 0; i < kSeries; i += 997)
    CHECK(seen.at("split.test.series." + std::to_string(i)) == i % 97 + 1);
  CHECK(host.counter("datadog.points_sent") == kSeries);
  CHECK(host.counter("dropped.buffer_full") == 0);
}

TEST_CASE(
    "a distribution with more values than one point holds arrives whole, in several "
    "points",
    "[datadog][integration][splitting]") {
  HttpsServer server;
  RecordingHost host;
  Backend backend(test_options(server.url()), host);
  constexpr int kValues = 50000;
  double sum = 0;
  for (int i = 0; i < kValues; ++i) {
    backend.distribution("big.dist", i * 0.5);
    sum += i * 0.5;
  }
  REQUIRE(backend.flush(30s) == METRICS_OK);
  size_t values = 0;
  double got = 0;
  for (const auto& r : server.requests()) {
    REQUIRE(r.path == "/api/v1/distribution_points");
    CHECK(r.raw_body.size() <= kMaxCompressed);
    for (const auto& s : series_of(r.body)) {
      CHECK(s->getValue<std::string>("metric") == "big.dist");
      auto v = s->getArray("points")->getArray(0)->getArray(1);
      for (size_t i = 0; i < v->size(); ++i) got += v->getElement<double>(i);
      values += v->size();
    }
  }
  CHECK(values == kValues);
  CHECK(got == sum);
}
