// metrics.dogstatsd.DogStatsdMetricsBackend driven through its C function table (the module
// is dlopen-ed as the host does), sending to real UDP and Unix datagram sockets.
#include "support/module_harness.hpp"
#include "support/receivers.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

using namespace statsd_test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const metrics_backend_class_t& dog_class() {
  static Module module(plugin_file("metrics.dogstatsd"));
  return module.klass("DogStatsdMetricsBackend");
}

OptionMap to(const UdpReceiver& r, OptionMap extra = {}) {
  extra["host"] = r.host();
  extra["port"] = r.iport();
  if (!extra.count("telemetry")) extra["telemetry"] = false;
  return extra;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

/// Sets an environment variable for one scope.
struct ScopedEnv {
  std::string name;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

}  // namespace

TEST_CASE("every call kind reaches the agent as the exact DogStatsD line when not aggregating",
          "[dogstatsd]") {
  UdpReceiver rx;
  Instance b(dog_class(), to(rx, {{"aggregation", false}}));
  b.emit({.name = "c", .value = 2, .sample_rate = 0.5, .tags = {{"k", "v"}, {"n", "3"}}});
  b.emit({.kind = METRICS_KIND_GAUGE, .name = "g", .value = -3.5});
  b.emit({.kind = METRICS_KIND_TIMING, .name = "t", .value = 12.5});
  b.emit({.kind = METRICS_KIND_DISTRIBUTION, .name = "d", .value = 1, .unit = "byte"});
  b.emit({.kind = METRICS_KIND_SET, .name = "s", .member = "member"});
  b.emit({.name = "i", .tags = {{"k", "v"}}, .instance = "i1"});
  b.emit({.name = "we:ird|name", .tags = {{"a,b", "c|d,e"}}});
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx.receive_lines(7) == std::vector<std::string>{"c:2|c|@0.5|#k:v,n:3", "g:-3.5|g",
                                                        "t:12.5|d", "d:1|d", "s:member|s",
                                                        "i:1|c|#k:v,instance:i1",
                                                        "we_ird_name:1|c|#a_b:c_d_e"});
}

TEST_CASE("another module can offer DogStatsdMetricsBackend from the static library",
          "[dogstatsd]") {
  Module other(std::string(STATSD_TEST_MODULE_DIR) + "/statsdtest.reexport.so");
  const auto& k = other.klass("DogStatsdMetricsBackend");
  CHECK(std::string(k.summary).find("DogStatsD") != std::string::npos);
  UdpReceiver rx;
  Instance b(k, to(rx));
  b.emit({.name = "from.elsewhere"});
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx.receive_lines(1) == std::vector<std::string>{"from.elsewhere:1|c"});
}

TEST_CASE("timing_type chooses the wire type of timings", "[dogstatsd]") {
  auto [type, line] = GENERATE(table<std::string, std::string>({
      {"d", "t:5|d"},
      {"ms", "t:5|ms"},
      {"h", "t:5|h"},
  }));
  UdpReceiver rx;
  Instance b(dog_class(), to(rx, {{"timing_type", type}}));
  b.emit({.kind = METRICS_KIND_TIMING, .name = "t", .value = 5});
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx.receive_lines(1) == std::vector<std::string>{line});
}

TEST_CASE("constant tags are on every line and win over call tags of the same key", "[dogstatsd]") {
  UdpReceiver rx;
  SECTION("given as a table") {
    Instance b(dog_class(), to(rx, {{"aggregation", false},
                                    {"tags", TagList{{"env", "prod"}, {"team", "core"}}}}));
    b.emit({.name = "x", .tags = {{"env", "dev"}, {"route", "/"}}});
    REQUIRE(b.flush() == METRICS_OK);
    CHECK(rx.receive_lines(1) == std::vector<std::string>{"x:1|c|#route:/,env:prod,team:core"});
  }
}

TEST_CASE("aggregation sums counters, keeps the last gauge and unique set members per context",
          "[dogstatsd][aggregation]") {
  UdpReceiver rx;
  Instance b(dog_class(), to(rx, {{"flush_interval_ms", int64_t{3600000}}}));
  for (int i = 0; i < 10; ++i) b.emit({.name = "hits", .tags = {{"route", "/a"}}});
  for (int i = 0; i < 4; ++i) b.emit({.name = "hits", .tags = {{"route", "/b"}}});
  b.emit({.name = "hits", .value = 2, .sample_rate = 0.25, .tags = {{"route", "/c"}}});
  b.emit({.kind = METRICS_KIND_GAUGE, .name = "level", .value = 1});
  b.emit({.kind = METRICS_KIND_GAUGE, .name = "level", .value = -7.5});
  for (auto m : {"a", "b", "a", "c", "b"})
    b.emit({.kind = METRICS_KIND_SET, .name = "users", .member = m});
  b.emit({.kind = METRICS_KIND_TIMING, .name = "lat", .value = 3});
  b.emit({.kind = METRICS_KIND_TIMING, .name = "lat", .value = 4});
  REQUIRE(b.flush() == METRICS_OK);
  auto lines = sorted(rx.receive_lines(10));
  CHECK(lines ==
        sorted({"hits:10|c|#route:/a", "hits:4|c|#route:/b", "hits:8|c|#route:/c", "level:-7.5|g",
                "users:a|s", "users:b|s", "users:c|s", "lat:3|d", "lat:4|d"}));
  SECTION("the next interval starts from nothing") {
    b.emit({.name = "hits", .tags = {{"route", "/a"}}});
    REQUIRE(b.flush() == METRICS_OK);
    CHECK(rx.receive_lines(1) == std::vector<std::string>{"hits:1|c|#route:/a"});
  }
}

TEST_CASE("destroying the backend sends the aggregated contexts and buffered lines",
          "[dogstatsd][aggregation]") {
  UdpReceiver rx;
  {
    Instance b(dog_class(), to(rx, {{"flush_interval_ms", int64_t{3600000}}}));
    for (int i = 0; i < 5; ++i) b.emit({.name = "kept"});
    b.emit({.kind = METRICS_KIND_DISTRIBUTION, .name = "dist", .value = 2});
  }
  CHECK(sorted(rx.receive_lines(2)) == sorted({"kept:5|c", "dist:2|d"}));
}

TEST_CASE("an IPv6 agent address works", "[dogstatsd]") {
  std::unique_ptr<UdpReceiver> rx;
  try {
    rx = std::make_unique<UdpReceiver>(true);
  } catch (const std::exception&) {
    WARN("no IPv6 loopback on this machine");
    return;
  }
  Instance b(dog_class(), {{"host", "[::1]:" + std::to_string(rx->port())}, {"telemetry", false}});
  b.emit({.name = "v6"});
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx->receive_lines(1) == std::vector<std::string>{"v6:1|c"});
}

TEST_CASE("counters aggregated from several threads arrive with the exact sum",
          "[dogstatsd][aggregation]") {
  UdpReceiver rx;
  Instance b(dog_class(), to(rx, {{"flush_interval_ms", int64_t{3600000}}}));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&b, t] {
      for (int i = 0; i < 5000; ++i) {
        b.emit({.name = "work", .tags = {{"kind", i % 2 ? "odd" : "even"}}});
        b.emit({.kind = METRICS_KIND_GAUGE,
                .name = "thread.gauge." + std::to_string(t),
                .value = double(i)});
      }
    });
  for (auto& t : threads) t.join();
  REQUIRE(b.flush() == METRICS_OK);
  auto lines = sorted(rx.receive_lines(6));
  CHECK(lines ==
        sorted({"work:10000|c|#kind:odd", "work:10000|c|#kind:even", "thread.gauge.0:4999|g",
                "thread.gauge.1:4999|g", "thread.gauge.2:4999|g", "thread.gauge.3:4999|g"}));
}

TEST_CASE("an event becomes a DogStatsD _e datagram", "[dogstatsd]") {
  UdpReceiver rx;
  Instance b(dog_class(), to(rx, {{"tags", TagList{{"env", "prod"}}}}));
  REQUIRE(b.event({.title = "Deploy",
                   .text = "v1\nv2",
                   .alert_type = METRICS_ALERT_WARNING,
                   .tags = {{"app", "web"}},
                   .timestamp_unix_s = 1700000000,
                   .hostname = "h1",
                   .aggregation_key = "deploys",
                   .source_type_name = "ci"}) == METRICS_OK);
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx.receive_lines(1) ==
        std::vector<std::string>{
            "_e{6,6}:Deploy|v1\\nv2|d:1700000000|h:h1|k:deploys|s:ci|t:warning|#app:web,env:prod"});
}

TEST_CASE("telemetry reports what the client sent and dropped, tagged client:cpp",
          "[dogstatsd][telemetry]") {
  UdpReceiver rx;
  {
    Instance b(dog_class(), to(rx, {{"telemetry", true}, {"tags", TagList{{"env", "t"}}}}));
    b.emit({.name = "a"});
    b.emit({.name = "a"});
    b.emit({.kind = METRICS_KIND_GAUGE, .name = "g", .value = 1});
    b.emit({.name = "nan", .value = std::nan("")});
    REQUIRE(b.flush() == METRICS_OK);
  }  // destroying sends the last report
  auto lines = rx.receive_lines(30);
  std::map<std::string, std::string> by_name;
  for (const auto& l : lines) by_name[l.substr(0, l.find('|'))] = l;
  const std::string tags = "|c|#client:cpp,client_version:1.0.0,client_transport:udp,env:t";
  CHECK(by_name["datadog.dogstatsd.client.metrics:3"] ==
        "datadog.dogstatsd.client.metrics:3" + tags);
  CHECK(by_name.count("datadog.dogstatsd.client.packets_sent:1") == 1);
  CHECK(std::count(lines.begin(), lines.end(),
                   "datadog.dogstatsd.client.metrics_dropped:1" + tags + ",reason:invalid_value") ==
        1);
  CHECK(std::count(lines.begin(), lines.end(),
                   "datadog.dogstatsd.client.aggregated_context:2" + tags) == 1);
  CHECK(std::count(lines.begin(), lines.end(),
                   "datadog.dogstatsd.client.metrics_by_type:2" + tags + ",metrics_type:count") ==
        1);
}

TEST_CASE("with telemetry off no client metrics are sent", "[dogstatsd][telemetry]") {
  UdpReceiver rx;
  {
    Instance b(dog_class(), to(rx, {{"telemetry", false}}));
    b.emit({.name = "only"});
  }
  auto all = rx.drain();
  std::vector<std::string> lines;
  for (auto& d : all) DatagramReceiver::split_into(d, lines);
  CHECK(lines == std::vector<std::string>{"only:1|c"});
}

TEST_CASE("the environment chooses the agent as Datadog's clients do, and the config wins",
          "[dogstatsd][env]") {
  UdpReceiver rx;
  SECTION("DD_AGENT_HOST and DD_DOGSTATSD_PORT") {
    ScopedEnv h("DD_AGENT_HOST", "127.0.0.1"), p("DD_DOGSTATSD_PORT", std::to_string(rx.port()));
    Instance b(dog_class(), {{"telemetry", false}});
    b.emit({.name = "via.env"});
    REQUIRE(b.flush() == METRICS_OK);
    CHECK(rx.receive_lines(1) == std::vector<std::string>{"via.env:1|c"});
  }
  SECTION("DD_DOGSTATSD_URL") {
    ScopedEnv u("DD_DOGSTATSD_URL", "udp://127.0.0.1:" + std::to_string(rx.port()));
    Instance b(dog_class(), {{"telemetry", false}});
    b.emit({.name = "via.url"});
    REQUIRE(b.flush() == METRICS_OK);
    CHECK(rx.receive_lines(1) == std::vector<std::string>{"via.url:1|c"});
  }
  SECTION("DD_DOGSTATSD_URL naming a Unix socket") {
    TempDir dir;
    UdsReceiver uds((dir.path() / "dsd.socket").string());
    ScopedEnv u("DD_DOGSTATSD_URL", "unix://" + uds.path());
    Instance b(dog_class(), {{"telemetry", false}});
    b.emit({.name = "via.unix.url"});
    REQUIRE(b.flush() == METRICS_OK);
    CHECK(uds.receive_lines(1) == std::vector<std::string>{"via.unix.url:1|c"});
  }
  SECTION("a host and port in the config win over the environment") {
    ScopedEnv h("DD_AGENT_HOST", "no.such.host.invalid"), p("DD_DOGSTATSD_PORT", "1");
    Instance b(dog_class(), to(rx, {{"statsd_host", std::string("127.0.0.1")}}));
    b.emit({.name = "via.config"});
    REQUIRE(b.flush() == METRICS_OK);
    CHECK(rx.receive_lines(1) == std::vector<std::string>{"via.config:1|c"});
  }
  SECTION("DD_ENV, DD_SERVICE and DD_VERSION become tags, a config tag of the same key wins") {
    ScopedEnv e("DD_ENV", "staging"), s("DD_SERVICE", "api"), v("DD_VERSION", "1.2");
    Instance b(dog_class(),
               to(rx, {{"aggregation", false}, {"tags", TagList{{"service", "mine"}}}}));
    b.emit({.name = "tagged"});
    REQUIRE(b.flush() == METRICS_OK);
    CHECK(rx.receive_lines(1) ==
          std::vector<std::string>{"tagged:1|c|#service:mine,env:staging,version:1.2"});
  }
  SECTION("DD_ENTITY_ID becomes dd.internal.entity_id") {
    ScopedEnv e("DD_ENTITY_ID", "pod-uid");
    Instance b(dog_class(), to(rx, {{"aggregation", false}}));
    b.emit({.name = "e"});
    REQUIRE(b.flush() == METRICS_OK);
    CHECK(rx.receive_lines(1) == std::vector<std::string>{"e:1|c|#dd.internal.entity_id:pod-uid"});
  }
}

TEST_CASE("a Unix datagram socket gets the exact lines, packed up to 8192 bytes",
          "[dogstatsd][uds]") {
  TempDir dir;
  UdsReceiver rx((dir.path() / "dsd.socket").string());
  SECTION("socket_path as a plain path") {
    Instance b(dog_class(),
               {{"socket_path", rx.path()}, {"telemetry", false}, {"aggregation", false}});
    for (int i = 0; i < 400; ++i)
      b.emit({.name = "uds.metric", .tags = {{"i", std::to_string(i)}}});
    REQUIRE(b.flush() == METRICS_OK);
    auto datagrams = rx.receive_until([](auto& all) {
      size_t n = 0;
      for (auto& d : all) n += std::count(d.begin(), d.end(), '\n') + 1;
      return n >= 400;
    });
    size_t lines = 0, biggest = 0;
    for (auto& d : datagrams) {
      CHECK(d.size() <= 8192);
      biggest = std::max(biggest, d.size());
      lines += std::count(d.begin(), d.end(), '\n') + 1;
    }
    CHECK(lines == 400);
    CHECK(biggest > 1432);  // more than a UDP datagram would carry
    CHECK_THAT(datagrams[0], StartsWith("uds.metric:1|c|#i:0\nuds.metric:1|c|#i:1\n"));
  }
  SECTION("a unix:// URL as the host") {
    Instance b(dog_class(), {{"host", "unix://" + rx.path()}, {"telemetry", false}});
    b.emit({.name = "by.url"});
    REQUIRE(b.flush() == METRICS_OK);
    CHECK(rx.receive_lines(1) == std::vector<std::string>{"by.url:1|c"});
  }
}

TEST_CASE("after the agent's socket is removed and recreated the backend reconnects",
          "[dogstatsd][uds][faults]") {
  TempDir dir;
  UdsReceiver rx((dir.path() / "dsd.socket").string());
  Instance b(dog_class(),
             {{"socket_path", rx.path()}, {"telemetry", false}, {"aggregation", false}});
  b.emit({.name = "first"});
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx.receive_lines(1) == std::vector<std::string>{"first:1|c"});

  rx.remove();
  b.emit({.name = "lost"});
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(b.host().count("dropped.writer") == 1);

  rx.open();
  std::vector<std::string> lines;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (lines.empty() && std::chrono::steady_clock::now() < deadline) {
    b.emit({.name = "again"});
    REQUIRE(b.flush() == METRICS_OK);
    lines = rx.receive_lines(1, 200ms);
  }
  REQUIRE(!lines.empty());
  CHECK(lines[0] == "again:1|c");
}

TEST_CASE("under overload what does not fit is dropped and counted, never queued without limit",
          "[dogstatsd][uds][faults]") {
  TempDir dir;
  UdsReceiver rx((dir.path() / "dsd.socket").string());
  // A receiver that does not read: its queue fills, the sender's writes time out, the
  // sender's queue fills, and callers drop whole buffers.
  Instance b(dog_class(), {{"socket_path", rx.path()},
                           {"telemetry", false},
                           {"aggregation", false},
                           {"max_datagram_size", int64_t{1024}},
                           {"sender_queue_size", int64_t{4}},
                           {"write_timeout_ms", int64_t{5}}});
  const int n = 200000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) REQUIRE((b.emit({.name = "flood"}) == METRICS_OK));
  auto spent = std::chrono::steady_clock::now() - start;
  CHECK(spent < 5s);  // the caller never waited for the socket
  b.flush(10000);
  // Count what arrived.
  size_t received = 0;
  for (auto& d : rx.drain(200ms)) received += std::count(d.begin(), d.end(), '\n') + 1;
  const int64_t queue_full = b.host().count("dropped.queue_full");
  const int64_t writer = b.host().count("dropped.writer");
  CHECK(queue_full > 0);
  CHECK(static_cast<int64_t>(received) + queue_full + writer == n);
}

TEST_CASE("shutting down in front of an agent that does not read ends near the shutdown deadline",
          "[dogstatsd][uds][faults]") {
  TempDir dir;
  UdsReceiver rx((dir.path() / "dsd.socket").string());
  auto b =
      std::make_unique<Instance>(dog_class(), OptionMap{{"socket_path", rx.path()},
                                                        {"telemetry", false},
                                                        {"aggregation", false},
                                                        {"max_datagram_size", int64_t{1024}},
                                                        {"write_timeout_ms", int64_t{100}},
                                                        {"shutdown_timeout_ms", int64_t{300}}});
  for (int i = 0; i < 200000; ++i) b->emit({.name = "stuck"});
  RecordingHost& host = b->host();
  auto start = std::chrono::steady_clock::now();
  b->destroy();
  auto spent = std::chrono::steady_clock::now() - start;
  CHECK(spent < 2s);  // the deadline plus at most one write timeout per batch
  const int64_t dropped = host.count("dropped.shutdown") + host.count("dropped.writer") +
                          host.count("dropped.queue_full");
  CHECK(dropped > 0);
}
