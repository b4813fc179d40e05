// metrics.statsd.StatsdMetricsBackend driven through its C function table (the module is
// dlopen-ed as the host does), sending to real sockets on loopback.
#include "support/module_harness.hpp"
#include "support/receivers.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace statsd_test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

const metrics_backend_class_t& statsd_class() {
  static Module module(plugin_file("metrics.statsd"));
  return module.klass("StatsdMetricsBackend");
}

OptionMap to(const UdpReceiver& r, OptionMap extra = {}) {
  extra["host"] = r.host();
  extra["port"] = r.iport();
  return extra;
}

}  // namespace

TEST_CASE("the statsd module offers StatsdMetricsBackend with its documented options", "[statsd]") {
  Module module(plugin_file("metrics.statsd"));
  CHECK(std::string(module.descriptor().module_name) == "metrics.statsd");
  const auto& k = module.klass("StatsdMetricsBackend");
  std::vector<std::string> names;
  for (size_t i = 0; i < k.option_count; ++i) names.push_back(k.options[i]->name);
  for (auto want : {"host", "port", "max_datagram_size", "flush_interval_ms", "tag_format"})
    CHECK(std::find(names.begin(), names.end(), want) != names.end());
}

TEST_CASE("every call kind reaches a UDP receiver as the exact statsd line", "[statsd]") {
  UdpReceiver rx;
  Instance b(statsd_class(), to(rx));
  REQUIRE(b.emit({.name = "c"}) == METRICS_OK);
  REQUIRE(b.emit({.name = "c.sampled", .value = 2, .sample_rate = 0.5}) == METRICS_OK);
  REQUIRE(b.emit({.kind = METRICS_KIND_GAUGE, .name = "g", .value = 3.5}) == METRICS_OK);
  REQUIRE(b.emit({.kind = METRICS_KIND_GAUGE, .name = "g.neg", .value = -4}) == METRICS_OK);
  REQUIRE(b.emit({.kind = METRICS_KIND_TIMING, .name = "t", .value = 12.5}) == METRICS_OK);
  REQUIRE(b.emit({.kind = METRICS_KIND_DISTRIBUTION, .name = "d", .value = 7, .unit = "byte"}) ==
          METRICS_OK);
  REQUIRE(b.emit({.kind = METRICS_KIND_SET, .name = "s", .member = "u1"}) == METRICS_OK);
  REQUIRE(b.emit({.name = "inst", .instance = "eu-1"}) == METRICS_OK);
  REQUIRE(b.emit({.name = "bad:name|x@y#z"}) == METRICS_OK);
  REQUIRE(b.flush() == METRICS_OK);
  auto lines = rx.receive_lines(10);
  CHECK(lines == std::vector<std::string>{"c:1|c", "c.sampled:2|c|@0.5", "g:3.5|g", "g.neg:0|g",
                                          "g.neg:-4|g", "t:12.5|ms", "d:7|ms", "s:u1|s",
                                          "inst.eu-1:1|c", "bad_name_x_y_z:1|c"});
}

TEST_CASE("a negative gauge's two lines always travel in one datagram", "[statsd]") {
  UdpReceiver rx;
  Instance b(statsd_class(), to(rx, {{"max_datagram_size", int64_t{64}}}));
  for (int i = 0; i < 50; ++i)
    REQUIRE(b.emit({.kind = METRICS_KIND_GAUGE, .name = "level.x", .value = -(i + 1.0)}) ==
            METRICS_OK);
  REQUIRE(b.flush() == METRICS_OK);
  auto datagrams = rx.receive_until([](auto& all) {
    size_t n = 0;
    for (auto& d : all) n += std::count(d.begin(), d.end(), '\n') + 1;
    return n >= 100;
  });
  size_t pairs = 0;
  for (const auto& d : datagrams) {
    CHECK(d.size() <= 64);
    std::vector<std::string> lines;
    DatagramReceiver::split_into(d, lines);
    REQUIRE(lines.size() % 2 == 0);
    for (size_t i = 0; i < lines.size(); i += 2) {
      CHECK(lines[i] == "level.x:0|g");
      CHECK(lines[i + 1].starts_with("level.x:-"));
      ++pairs;
    }
  }
  CHECK(pairs == 50);
}

TEST_CASE("statsd writes tags in the dialect tag_format names", "[statsd]") {
  auto [format, line] = GENERATE(table<std::string, std::string>({
      {"none", "req:1|c"},
      {"graphite", "req;route=/a;code=200:1|c"},
      {"influx", "req,route=/a,code=200:1|c"},
      {"dogstatsd", "req:1|c|#route:/a,code:200"},
  }));
  UdpReceiver rx;
  Instance b(statsd_class(), to(rx, {{"tag_format", format}}));
  REQUIRE(b.emit({.name = "req", .tags = {{"route", "/a"}, {"code", "200"}}}) == METRICS_OK);
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx.receive_lines(1) == std::vector<std::string>{line});
}

TEST_CASE("tags dropped by tag_format none are mentioned once, at info level", "[statsd]") {
  UdpReceiver rx;
  Instance b(statsd_class(), to(rx));
  for (int i = 0; i < 3; ++i) b.emit({.name = "x", .tags = {{"k", "v"}}});
  auto logs = b.host().log_lines();
  REQUIRE(logs.size() == 1);
  CHECK_THAT(logs[0], Contains("tag_format"));
}

TEST_CASE("statsd sends to an IPv6 receiver", "[statsd]") {
  std::unique_ptr<UdpReceiver> rx;
  try {
    rx = std::make_unique<UdpReceiver>(true);
  } catch (const std::exception&) {
    WARN("no IPv6 loopback on this machine");
    return;
  }
  Instance b(statsd_class(), to(*rx));
  REQUIRE(b.emit({.name = "over.v6", .value = 5}) == METRICS_OK);
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx->receive_lines(1) == std::vector<std::string>{"over.v6:5|c"});
}

TEST_CASE("no datagram exceeds max_datagram_size however many and long the tags are", "[statsd]") {
  UdpReceiver rx;
  const int64_t max = 512;
  Instance b(statsd_class(),
             to(rx, {{"max_datagram_size", max}, {"tag_format", std::string("dogstatsd")}}));
  TagList tags;
  for (int i = 0; i < 8; ++i)
    tags.emplace_back("key" + std::to_string(i), std::string(20 + i, static_cast<char>('a' + i)));
  const int n = 300;
  std::thread reader;
  std::vector<std::string> datagrams;
  reader = std::thread([&] {
    datagrams = rx.receive_until([&](auto& all) {
      size_t lines = 0;
      for (auto& d : all) lines += std::count(d.begin(), d.end(), '\n') + 1;
      return lines >= static_cast<size_t>(n);
    });
  });
  for (int i = 0; i < n; ++i)
    REQUIRE(b.emit({.name = "long.metric." + std::to_string(i), .tags = tags}) == METRICS_OK);
  REQUIRE(b.flush() == METRICS_OK);
  reader.join();
  size_t lines = 0;
  for (const auto& d : datagrams) {
    CHECK(d.size() <= static_cast<size_t>(max));
    CHECK(d.back() != '\n');
    lines += std::count(d.begin(), d.end(), '\n') + 1;
  }
  CHECK(lines == static_cast<size_t>(n));
  CHECK(datagrams.size() > 1);  // several lines per datagram, but not all in one
  CHECK(datagrams.size() < static_cast<size_t>(n));
}

TEST_CASE("a line longer than a datagram is dropped and counted as dropped.too_big", "[statsd]") {
  UdpReceiver rx;
  Instance b(statsd_class(), to(rx, {{"max_datagram_size", int64_t{64}}}));
  CHECK(b.emit({.name = std::string(100, 'n')}) == METRICS_ERR_DROPPED);
  CHECK(b.emit({.name = "fits"}) == METRICS_OK);
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx.receive_lines(1) == std::vector<std::string>{"fits:1|c"});
  CHECK(b.host().count("dropped.too_big") == 1);
  auto logs = b.host().log_lines();
  REQUIRE(logs.size() == 1);
  CHECK_THAT(logs[0], Contains("too_big") && Contains("raise it"));
}

TEST_CASE("values plain statsd cannot carry are refused and counted", "[statsd]") {
  UdpReceiver rx;
  Instance b(statsd_class(), to(rx));
  CHECK(b.emit({.name = "nan", .value = std::nan("")}) == METRICS_ERR_INVALID);
  CHECK(b.emit({.kind = METRICS_KIND_TIMING, .name = "neg.timing", .value = -1}) ==
        METRICS_ERR_INVALID);
  CHECK(b.emit({.kind = METRICS_KIND_GAUGE, .name = "inf", .value = INFINITY}) ==
        METRICS_ERR_INVALID);
  REQUIRE(b.flush() == METRICS_OK);  // the host hears of drops from the sender thread
  CHECK(b.host().count("dropped.invalid_value") == 3);
}

TEST_CASE("bad option values are refused at create with a message that says what to change",
          "[statsd]") {
  CHECK_THAT(
      Instance::create_error(statsd_class(), {{"host", std::string("no.such.host.invalid")}}),
      Contains("cannot resolve"));
  CHECK_THAT(Instance::create_error(statsd_class(), {{"max_datagram_size", int64_t{10}}}),
             Contains("max_datagram_size"));
}

TEST_CASE("buffered lines are sent every flush_interval_ms without a flush call", "[statsd]") {
  UdpReceiver rx;
  Instance b(statsd_class(), to(rx, {{"flush_interval_ms", int64_t{50}}}));
  REQUIRE(b.emit({.name = "tick"}) == METRICS_OK);
  CHECK(rx.receive_lines(1, 2000ms) == std::vector<std::string>{"tick:1|c"});
}

TEST_CASE("destroying the backend sends what is still buffered", "[statsd]") {
  UdpReceiver rx;
  {
    Instance b(statsd_class(), to(rx, {{"flush_interval_ms", int64_t{3600000}}}));
    for (int i = 0; i < 1000; ++i) REQUIRE(b.emit({.name = "bye"}) == METRICS_OK);
  }
  auto lines = rx.receive_lines(1000);
  CHECK(lines.size() == 1000);
}

TEST_CASE("a receiver that is down costs the caller nothing and the failures are counted",
          "[statsd][faults]") {
  uint16_t port;
  {
    UdpReceiver gone;
    port = gone.port();
  }  // nobody listens there now: the kernel answers with ICMP port unreachable
  Instance b(statsd_class(), {{"host", std::string("127.0.0.1")}, {"port", int64_t{port}}});
  auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 1000; ++i) REQUIRE(b.emit({.name = "into.the.void"}) == METRICS_OK);
    REQUIRE(b.flush() == METRICS_OK);
  }
  auto spent = std::chrono::steady_clock::now() - start;
  CHECK(spent < 2s);
  CHECK(b.host().count("dropped.writer") > 0);
}

TEST_CASE("a receiver that restarts on the same port gets lines again", "[statsd][faults]") {
  auto rx = std::make_unique<UdpReceiver>();
  const uint16_t port = rx->port();
  Instance b(statsd_class(), {{"host", std::string("127.0.0.1")}, {"port", int64_t{port}}});
  REQUIRE(b.emit({.name = "before"}) == METRICS_OK);
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx->receive_lines(1) == std::vector<std::string>{"before:1|c"});
  rx.reset();
  for (int i = 0; i < 3; ++i) {  // lost while it is down; the refusals are counted
    b.emit({.name = "while.down"});
    b.flush();
  }
  rx = std::make_unique<UdpReceiver>(false, port);
  // The socket may still hold the last refusal, which costs the next datagram (counted).
  std::vector<std::string> lines;
  for (int i = 0; i < 5 && lines.empty(); ++i) {
    REQUIRE(b.emit({.name = "after"}) == METRICS_OK);
    REQUIRE(b.flush() == METRICS_OK);
    lines = rx->receive_lines(1, 500ms);
  }
  CHECK(lines == std::vector<std::string>{"after:1|c"});
  CHECK(b.host().count("dropped.writer") >= 1);
}
