// The statsd backend against the real Etsy statsd daemon (npm statsd 0.9.0), read back
// through the daemon's admin interface.
#include "support/module_harness.hpp"
#include "support/statsd_daemon.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace statsd_test;
using namespace std::chrono_literals;

namespace {

const metrics_backend_class_t& statsd_class() {
  static Module module(plugin_file("metrics.statsd"));
  return module.klass("StatsdMetricsBackend");
}

}  // namespace

TEST_CASE("a mixed workload from several threads reaches the statsd daemon with exact values",
          "[statsd][integration]") {
  StatsdDaemon daemon;
  Instance b(statsd_class(), {{"host", std::string("127.0.0.1")},
                              {"port", int64_t{daemon.port()}},
                              {"tag_format", std::string("graphite")}});
  const int threads = 4, rounds = 250;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      const std::string me = std::to_string(t);
      for (int i = 0; i < rounds; ++i) {
        b.emit({.name = "mix.count"});
        b.emit({.name = "mix.sampled", .value = 3, .sample_rate = 0.5});
        b.emit({.name = "mix.tagged", .tags = {{"parity", i % 2 ? "odd" : "even"}}});
        b.emit({.kind = METRICS_KIND_GAUGE, .name = "mix.gauge." + me, .value = i - 200.5});
        b.emit({.kind = METRICS_KIND_GAUGE, .name = "mix.level." + me, .value = 40.0 + i});
        b.emit({.kind = METRICS_KIND_TIMING, .name = "mix.timer", .value = double(i % 50)});
        b.emit({.kind = METRICS_KIND_DISTRIBUTION, .name = "mix.dist", .value = 1.5});
        b.emit({.name = "mix.instance", .instance = "i" + me});
        // Stay below what a loopback socket buffers for a single-threaded node process.
        if (i % 25 == 24) std::this_thread::sleep_for(5ms);
      }
    });
  for (auto& w : workers) w.join();
  REQUIRE(b.flush() == METRICS_OK);

  const int calls = threads * rounds;
  // Negative gauges are two lines each: rounds 0..200 of each thread go below zero.
  const double lines = calls * 8.0 + threads * 201.0;
  REQUIRE(daemon.wait_for_lines(lines));
  auto counters = daemon.counters();
  CHECK(counters["mix.count"].number == calls);
  CHECK(counters["mix.sampled"].number == calls * 3 * 2);
  CHECK(counters["mix.tagged;parity=odd"].number == calls / 2);
  CHECK(counters["mix.tagged;parity=even"].number == calls / 2);
  for (int t = 0; t < threads; ++t)
    CHECK(counters["mix.instance.i" + std::to_string(t)].number == rounds);
  CHECK(counters["statsd.bad_lines_seen"].number == 0);
  CHECK(counters["statsd.metrics_received"].number == lines);

  auto gauges = daemon.gauges();
  for (int t = 0; t < threads; ++t) {
    CHECK(gauges["mix.gauge." + std::to_string(t)].number == rounds - 1 - 200.5);
    CHECK(gauges["mix.level." + std::to_string(t)].number == 40.0 + rounds - 1);
  }
  auto timers = daemon.timers();
  CHECK(timers["mix.timer"].count == static_cast<size_t>(calls));
  CHECK(timers["mix.dist"].count == static_cast<size_t>(calls));
  CHECK(daemon.stat("messages.bad_lines_seen") == 0);
}

TEST_CASE("the statsd daemon keeps a gauge that only goes below zero", "[statsd][integration]") {
  StatsdDaemon daemon;
  Instance b(statsd_class(),
             {{"host", std::string("127.0.0.1")}, {"port", int64_t{daemon.port()}}});
  b.emit({.kind = METRICS_KIND_GAUGE, .name = "neg.first", .value = -5});
  b.emit({.kind = METRICS_KIND_GAUGE, .name = "neg.first", .value = -7.25});
  b.emit({.kind = METRICS_KIND_GAUGE, .name = "neg.first", .value = 3});
  REQUIRE(b.flush() == METRICS_OK);
  REQUIRE(daemon.wait_for_lines(5));
  CHECK(daemon.gauges()["neg.first"].number == 3);
  b.emit({.kind = METRICS_KIND_GAUGE, .name = "neg.first", .value = -2});
  REQUIRE(b.flush() == METRICS_OK);
  REQUIRE(daemon.wait_for_lines(7));
  CHECK(daemon.gauges()["neg.first"].number == -2);
  CHECK(daemon.stat("messages.bad_lines_seen") == 0);
}

TEST_CASE("DogStatsD-style tags from the statsd backend are read by the daemon 0.9",
          "[statsd][integration]") {
  StatsdDaemon daemon;
  Instance b(statsd_class(), {{"host", std::string("127.0.0.1")},
                              {"port", int64_t{daemon.port()}},
                              {"tag_format", std::string("dogstatsd")}});
  for (int i = 0; i < 10; ++i) b.emit({.name = "dd.tags", .tags = {{"env", "prod"}}});
  REQUIRE(b.flush() == METRICS_OK);
  REQUIRE(daemon.wait_for_lines(10));
  CHECK(daemon.counters()["dd.tags;env=prod"].number == 10);
  CHECK(daemon.stat("messages.bad_lines_seen") == 0);
}
