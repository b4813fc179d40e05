// Both modules loaded by their dotted names from TOML through metrics::Client, as an
// application uses them; and the real Etsy statsd daemon behind the whole call path.
#include "support/receivers.hpp"
#include "support/statsd_daemon.hpp"

#include <metrics/metrics.hpp>

#include <catch2/catch.hpp>

#include <thread>

using namespace statsd_test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

metrics::Config config(const std::string& backend, const std::string& options) {
  return metrics::Config::from_string(
      "[metrics]\nbackend = \"" + backend + "\"\n[metrics.options]\n" + options, "test.toml");
}

std::string udp_options(const UdpReceiver& rx) {
  return "host = \"" + rx.host() + "\"\nport = " + std::to_string(rx.port()) + "\n";
}

}  // namespace

TEST_CASE("metrics.statsd.StatsdMetricsBackend loads from TOML and sends every call kind",
          "[statsd][client]") {
  UdpReceiver rx;
  metrics::Client client(config("metrics.statsd.StatsdMetricsBackend",
                                udp_options(rx) + "tag_format = \"graphite\"\n"));
  client.incr("c", 1, {.tags = {{"k", "v"}, {"n", 3}}});
  client.gauge("g", -3.5);
  client.timing("t", 12.5);
  client.distribution("d", 1.0, {.unit = "byte"});
  client.set("s", "member");
  client.incr("i", 2, {.instance = "i1"});
  REQUIRE(client.flush(5s));
  CHECK(rx.receive_lines(7) == std::vector<std::string>{"c;k=v;n=3:1|c", "g:0|g", "g:-3.5|g",
                                                        "t:12.5|ms", "d:1|ms", "s:member|s",
                                                        "i.i1:2|c"});
}

TEST_CASE("metrics.dogstatsd.DogStatsdMetricsBackend loads from TOML and sends every call kind",
          "[dogstatsd][client]") {
  UdpReceiver rx;
  metrics::Client client(config("metrics.dogstatsd.DogStatsdMetricsBackend",
                                udp_options(rx) + "aggregation = false\ntelemetry = false\n"
                                                  "tags = { env = \"prod\" }\n"));
  client.incr("c", 1, {.tags = {{"k", "v"}, {"n", 3}}, .instance = "i1"});
  client.gauge("g", -3.5);
  client.timing("t", 12.5);
  client.distribution("d", 1.0, {.unit = "byte"});
  client.set("s", "member");
  client.event("title", "text", {.tags = {{"a", "b"}}});
  REQUIRE(client.flush(5s));
  CHECK(rx.receive_lines(6) == std::vector<std::string>{"c:1|c|#k:v,n:3,instance:i1,env:prod",
                                                        "g:-3.5|g|#env:prod", "t:12.5|d|#env:prod",
                                                        "d:1|d|#env:prod", "s:member|s|#env:prod",
                                                        "_e{5,4}:title|text|#a:b,env:prod"});
}

TEST_CASE("the DogStatsD backend is also reachable as metrics.datadog.DogStatsdMetricsBackend",
          "[dogstatsd][client]") {
  UdpReceiver rx;
  metrics::Client client(config("metrics.datadog.DogStatsdMetricsBackend",
                                udp_options(rx) + "aggregation = false\ntelemetry = false\n"));
  CHECK(client.backend_names() ==
        std::vector<std::string>{"metrics.datadog.DogStatsdMetricsBackend"});
  client.incr("via.datadog", 1, {.tags = {{"k", "v"}}});
  REQUIRE(client.flush(5s));
  CHECK(rx.receive_lines(1) == std::vector<std::string>{"via.datadog:1|c|#k:v"});
}

TEST_CASE("DogStatsD constant tags may be a list of key:value strings", "[dogstatsd][client]") {
  UdpReceiver rx;
  metrics::Client client(
      config("metrics.dogstatsd.DogStatsdMetricsBackend",
             udp_options(rx) + "telemetry = false\ntags = [\"team:core\", \"region:eu\"]\n"));
  client.incr("listed");
  REQUIRE(client.flush(5s));
  CHECK(rx.receive_lines(1) == std::vector<std::string>{"listed:1|c|#team:core,region:eu"});
}

TEST_CASE("aggregated DogStatsD counters sent through the client arrive summed",
          "[dogstatsd][client]") {
  UdpReceiver rx;
  metrics::Client client(
      config("metrics.dogstatsd.DogStatsdMetricsBackend", udp_options(rx) + "telemetry = false\n"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) client.incr("jobs", 1, {.tags = {{"queue", "q1"}}});
    });
  for (auto& t : threads) t.join();
  REQUIRE(client.flush(5s));
  CHECK(rx.receive_lines(1) == std::vector<std::string>{"jobs:2000|c|#queue:q1"});
}

TEST_CASE("plugin drop counts appear in the client's telemetry", "[statsd][client]") {
  UdpReceiver rx;
  metrics::Client client(
      config("metrics.statsd.StatsdMetricsBackend", udp_options(rx) + "max_datagram_size = 64\n"));
  client.incr(std::string(100, 'x'));
  REQUIRE(client.flush(5s));
  CHECK(client.telemetry().get("dropped.too_big") == 1);
}

TEST_CASE("the shipped config files load, every option valid against the schemas",
          "[statsd][dogstatsd][client]") {
  auto file = GENERATE(std::string("statsd.toml"), std::string("dogstatsd.toml"));
  auto cfg = metrics::Config::from_file(std::string(METRICS_TEST_SOURCE_DIR) + "/config/" + file);
  metrics::Client client(cfg);
  client.incr("config.loaded");
  CHECK(client.flush(5s));
}

TEST_CASE("an unknown option of the statsd backend is refused with the nearest name",
          "[statsd][client]") {
  CHECK_THROWS_WITH(
      metrics::Client(config("metrics.statsd.StatsdMetricsBackend", "tag_fromat = \"graphite\"\n")),
      Contains("tag_format"));
}

TEST_CASE("a mixed workload through metrics::Client reaches the statsd daemon exactly",
          "[statsd][client][integration]") {
  StatsdDaemon daemon;
  metrics::Client client(config("metrics.statsd.StatsdMetricsBackend",
                                "host = \"127.0.0.1\"\nport = " + std::to_string(daemon.port()) +
                                    "\ntag_format = \"graphite\"\n"));
  const int threads = 3, rounds = 300;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < rounds; ++i) {
        client.incr("app.requests", 1, {.tags = {{"code", 200}}});
        client.gauge("app.temperature." + std::to_string(t), i - 150.25);
        client.timing("app.latency", i % 40);
        if (i % 25 == 24) std::this_thread::sleep_for(5ms);
      }
    });
  for (auto& w : workers) w.join();
  REQUIRE(client.flush(5s));
  // Gauges below zero (i < 151) are two lines.
  REQUIRE(daemon.wait_for_lines(threads * (rounds * 3.0 + 151)));
  auto counters = daemon.counters();
  CHECK(counters["app.requests;code=200"].number == threads * rounds);
  CHECK(counters["statsd.bad_lines_seen"].number == 0);
  auto gauges = daemon.gauges();
  for (int t = 0; t < threads; ++t)
    CHECK(gauges["app.temperature." + std::to_string(t)].number == rounds - 1 - 150.25);
  CHECK(daemon.timers()["app.latency"].count == static_cast<size_t>(threads * rounds));
}
