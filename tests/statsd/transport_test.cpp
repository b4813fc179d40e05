// The wire library's transports and pipeline on their own, with real sockets.
#include "support/receivers.hpp"

#include <metrics/wire/pipeline.hpp>
#include <metrics/wire/udp.hpp>

#include <catch2/catch.hpp>

#include <mutex>
#include <thread>

using namespace metrics::wire;
using namespace statsd_test;
using namespace std::chrono_literals;

namespace {

int32_t write_line(Pipeline& p, const std::string& line) {
  return p.write(MetricType::count, [&](Writer& w) { w.put(line); });
}

}  // namespace

TEST_CASE("a UDP agent that moves to another address is followed after the next resolve",
          "[statsd][transport]") {
  UdpReceiver first;
  std::unique_ptr<UdpReceiver> second;
  try {
    second = std::make_unique<UdpReceiver>(false, first.port(), "127.0.0.2");
  } catch (const std::exception&) {
    WARN("127.0.0.2 is not a loopback address here");
    return;
  }
  std::mutex m;
  std::string answer = "127.0.0.1";  // what the "name service" says agent.test is
  auto lookup = [&](const std::string& host) {
    std::lock_guard<std::mutex> g(m);
    return host == "agent.test" ? answer : host;
  };
  PipelineOptions o;
  o.resolve_interval = 100ms;
  Pipeline p(o,
             std::make_unique<UdpTransport>("agent.test", first.port(), o.resolve_interval,
                                            o.write_timeout, lookup),
             {});
  REQUIRE(write_line(p, "before:1|c") == METRICS_OK);
  REQUIRE(p.flush(5s));
  CHECK(first.receive_lines(1) == std::vector<std::string>{"before:1|c"});

  {
    std::lock_guard<std::mutex> g(m);
    answer = "127.0.0.2";
  }
  std::this_thread::sleep_for(150ms);
  REQUIRE(write_line(p, "after:1|c") == METRICS_OK);
  REQUIRE(p.flush(5s));
  CHECK(second->receive_lines(1) == std::vector<std::string>{"after:1|c"});
  CHECK(first.drain(100ms).empty());
}

TEST_CASE("flush sends every shard's partial buffer and reports when it is done",
          "[statsd][transport]") {
  UdpReceiver rx;
  PipelineOptions o;
  o.endpoint.port = rx.port();
  o.flush_interval = std::chrono::hours(1);
  Pipeline p(o, make_transport(o), {});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&p, t] {
      for (int i = 0; i < 100; ++i) write_line(p, "t" + std::to_string(t) + ":1|c");
    });
  for (auto& t : threads) t.join();
  REQUIRE(p.flush(5s));
  CHECK(rx.receive_lines(400).size() == 400);
  auto s = p.snapshot();
  CHECK(s.metrics_by_type[static_cast<size_t>(MetricType::count)] == 400);
  CHECK(s.packets_sent >= 1);
  CHECK(s.metrics_dropped_total() == 0);
}

TEST_CASE("full datagrams wait for a batch or the flush interval, not a wake-up each",
          "[statsd][transport]") {
  // Each 1000-byte line fills a default 1432-byte datagram, so every second line hands a
  // full buffer to the sender. The default queue (2048) wakes a sleeping sender at 64.
  const std::string body(990, 'x');
  auto line = [&](int i) { return "l" + std::to_string(i) + ":" + body + "|c"; };
  UdpReceiver rx;
  PipelineOptions o;
  o.endpoint.port = rx.port();

  SECTION("fewer than a batch leave with the next flush interval") {
    o.flush_interval = 400ms;
    Pipeline p(o, make_transport(o), {});
    for (int i = 0; i < 5; ++i) REQUIRE(write_line(p, line(i)) == METRICS_OK);
    CHECK(rx.drain(100ms).empty());  // four full datagrams wait: no wake-up for them
    CHECK(rx.receive_lines(5, 5s).size() == 5);
  }
  SECTION("a batch wakes the sender at once") {
    o.flush_interval = std::chrono::hours(1);
    Pipeline p(o, make_transport(o), {});
    for (int i = 0; i < 70; ++i) REQUIRE(write_line(p, line(i)) == METRICS_OK);
    // Only the batch wake-up can send these before the hour is up.
    CHECK(rx.receive_lines(64, 5s).size() == 64);
    REQUIRE(p.flush(5s));
    CHECK(rx.drain(300ms).size() == 6);
    CHECK(p.snapshot().metrics_dropped_total() == 0);
  }
}

TEST_CASE("an unresolvable host is refused at creation with the reason", "[statsd][transport]") {
  CHECK_THROWS_WITH(UdpTransport("no.such.host.invalid", 8125, 1s, 100ms),
                    Catch::Matchers::Contains("cannot resolve 'no.such.host.invalid'"));
}
