#include <catch2/catch.hpp>

#include "recorder.hpp"

#include <metrics/metrics.hpp>

#include <atomic>
#include <thread>

using metrics::test::config_for;
using metrics::test::RecorderScope;

namespace {
metrics::Config recording_config(const std::string& label) {
  return metrics::Config::from_string(
      config_for("test.recording.RecordingBackend", "", "label = \"" + label + "\""), "swap.toml");
}
}  // namespace

TEST_CASE("apply() swaps to the new backend and a failing config leaves the old one running",
          "[swap]") {
  RecorderScope rec;
  metrics::Client c(recording_config("first"));
  c.incr("one");
  auto ok = c.apply(recording_config("second"));
  CHECK(ok.status == metrics::ReloadResult::Status::swapped);
  c.incr("two");

  auto failed = c.apply(
      metrics::Config::from_string(config_for("test.recording.FailingBackend"), "bad.toml"));
  CHECK(failed.status == metrics::ReloadResult::Status::failed);
  CHECK_THAT(failed.message, Catch::Matchers::Contains("the backend refused to start"));
  c.incr("three");

  auto s = rec.samples();
  REQUIRE(s.size() == 3);
  CHECK(s[0].backend == "first");
  CHECK(s[1].backend == "second");
  CHECK(s[2].backend == "second");
  CHECK(c.telemetry().get("reloads.failed") == 1);
  CHECK(c.telemetry().get("reloads.swapped") == 1);
}

TEST_CASE("no call is lost while threads emit during repeated swaps", "[swap][threads]") {
  RecorderScope rec;
  metrics::Client c(recording_config("a"));
  std::atomic<bool> stop{false};
  std::atomic<int64_t> sent{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t)
    writers.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        c.incr("swapped");
        sent.fetch_add(1, std::memory_order_relaxed);
      }
    });
  for (int i = 0; i < 50; ++i) REQUIRE(c.apply(recording_config(i % 2 ? "a" : "b")));
  stop = true;
  for (auto& w : writers) w.join();
  CHECK(static_cast<int64_t>(rec.samples().size()) == sent.load());
  CHECK(c.telemetry().emitted == sent.load());
}
