// What the backend sends, checked on a real HTTPS server: paths, headers and every field
// of the inflated bodies. The module is loaded through its C ABI as the host loads it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <map>
#include <thread>

#include "harness.hpp"
#include "https_server.hpp"
#include "json_helpers.hpp"

using namespace dd_test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

std::vector<Request> at_path(const std::vector<Request>& all, const std::string& path) {
  std::vector<Request> out;
  for (const auto& r : all)
    if (r.path == path) out.push_back(r);
  return out;
}

std::map<std::string, Poco::JSON::Object::Ptr> by_metric(const std::vector<Request>& requests) {
  std::map<std::string, Poco::JSON::Object::Ptr> out;
  for (const auto& r : requests)
    for (const auto& s : series_of(r.body)) out[s->getValue<std::string>("metric")] = s;
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("every kind of metric and an event reach their Datadog endpoints with every field",
          "[datadog][integration]") {
  HttpsServer server;
  RecordingHost host;
  auto options = test_options(server.url());
  options["tags"] = Tags{{"env", "test"}, {"team", "core"}};
  Backend backend(options, host);

  const int64_t before = static_cast<int64_t>(std::time(nullptr));
  backend.counter("jobs.done", 2, {{"queue", "fast"}, {"env", "call"}});
  backend.counter("jobs.done", 3, {{"env", "call"}, {"queue", "fast"}});  // same series
  backend.counter("jobs.sampled", 1, {}, 0.25);
  backend.counter("jobs.sampled", 1, {}, 0.25);
  backend.counter("jobs.instance", 1, {}, 1.0, "i1");
  backend.gauge("temperature", 3);
  backend.gauge("temperature", -3.5);
  backend.set("users", "alice");
  backend.set("users", "bob");
  backend.set("users", "alice");
  backend.timing("request.latency", 12.5);
  backend.timing("request.latency", 7);
  backend.distribution("payload.size", 100, {{"kind", "upload"}}, "byte");
  REQUIRE(backend.event("Deploy", "v1.2 went out", {{"service", "api"}}, METRICS_ALERT_WARNING) ==
          METRICS_OK);
  REQUIRE(backend.flush(5s) == METRICS_OK);
  const int64_t after = static_cast<int64_t>(std::time(nullptr));

  const auto all = server.requests();
  const auto series_requests = at_path(all, "/api/v2/series");
  const auto dist_requests = at_path(all, "/api/v1/distribution_points");
  const auto event_requests = at_path(all, "/api/v1/events");
  REQUIRE(series_requests.size() == 1);
  REQUIRE(dist_requests.size() == 1);
  REQUIRE(event_requests.size() == 1);
  REQUIRE(all.size() == 3);

  SECTION("every request is a POST of JSON carrying the API key header") {
    for (const auto& r : all) {
      CHECK(r.method == "POST");
      CHECK(r.header("dd-api-key") == kApiKey);
      CHECK(r.header("content-type") == "application/json");
      CHECK(r.header("dd-application-key").empty());
    }
    CHECK(series_requests[0].header("content-encoding") == "gzip");
    CHECK(dist_requests[0].header("content-encoding") == "deflate");
    CHECK(event_requests[0].header("content-encoding").empty());
    CHECK(series_requests[0].raw_body.substr(0, 2) == "\x1f\x8b");  // gzip magic
  }

  SECTION("counters are summed per tag set as count series over the interval") {
    auto series = by_metric(series_requests);
    REQUIRE(series.size() == 5);
    auto done = series.at("jobs.done");
    CHECK(done->getValue<int>("type") == 1);  // count
    CHECK(done->getValue<int64_t>("interval") == 3600);
    auto points = done->getArray("points");
    REQUIRE(points->size() == 1);
    auto point = points->getObject(0);
    CHECK(point->getValue<double>("value") == 5.0);
    const int64_t ts = point->getValue<int64_t>("timestamp");
    CHECK(ts >= before);
    CHECK(ts <= after);
    // The constant tag env:test wins over the call's env:call.
    CHECK(sorted(string_array(done->getArray("tags"))) ==
          std::vector<std::string>{"env:test", "queue:fast", "team:core"});
    auto resources = done->getArray("resources");
    REQUIRE(resources->size() == 1);
    CHECK(resources->getObject(0)->getValue<std::string>("name") == "test-host");
    CHECK(resources->getObject(0)->getValue<std::string>("type") == "host");
  }

  SECTION("a sampled counter is scaled by one over its rate") {
    auto s = by_metric(series_requests).at("jobs.sampled");
    CHECK(s->getArray("points")->getObject(0)->getValue<double>("value") == 8.0);
  }

  SECTION("the instance becomes the tag instance:<value>") {
    auto s = by_metric(series_requests).at("jobs.instance");
    CHECK(sorted(string_array(s->getArray("tags"))) ==
          std::vector<std::string>{"env:test", "instance:i1", "team:core"});
  }

  SECTION("gauges send their last value and sets the number of unique members") {
    auto series = by_metric(series_requests);
    auto t = series.at("temperature");
    CHECK(t->getValue<int>("type") == 3);  // gauge
    CHECK_FALSE(t->has("interval"));
    CHECK(t->getArray("points")->getObject(0)->getValue<double>("value") == -3.5);
    auto u = series.at("users");
    CHECK(u->getValue<int>("type") == 3);
    CHECK(u->getArray("points")->getObject(0)->getValue<double>("value") == 2.0);
  }

  SECTION("timings and distributions carry every value of the interval") {
    auto dists = by_metric(dist_requests);
    REQUIRE(dists.size() == 2);
    auto lat = dists.at("request.latency");
    CHECK(lat->getValue<std::string>("type") == "distribution");
    CHECK(lat->getValue<std::string>("host") == "test-host");
    auto points = lat->getArray("points");
    REQUIRE(points->size() == 1);
    auto point = points->getArray(0);
    CHECK(point->getElement<int64_t>(0) >= before);
    auto values = point->getArray(1);
    REQUIRE(values->size() == 2);
    CHECK(values->getElement<double>(0) == 12.5);
    CHECK(values->getElement<double>(1) == 7.0);
    auto size = dists.at("payload.size");
    CHECK(sorted(string_array(size->getArray("tags"))) ==
          std::vector<std::string>{"env:test", "kind:upload", "team:core"});
  }

  SECTION("an event carries title, text, tags, alert type, priority and host") {
    auto e = parse_object(event_requests[0].body);
    CHECK(e->getValue<std::string>("title") == "Deploy");
    CHECK(e->getValue<std::string>("text") == "v1.2 went out");
    CHECK(e->getValue<std::string>("alert_type") == "warning");
    CHECK(e->getValue<std::string>("priority") == "normal");
    CHECK(e->getValue<std::string>("host") == "test-host");
    CHECK(sorted(string_array(e->getArray("tags"))) ==
          std::vector<std::string>{"env:test", "service:api", "team:core"});
  }

  CHECK(host.counter("datadog.requests_sent") == 3);
  CHECK(host.all_lines().find(kApiKey) == std::string::npos);
}

TEST_CASE("the application key is sent when configured and a base path is kept",
          "[datadog][integration]") {
  HttpsServer server;
  RecordingHost host;
  auto options = test_options(server.url() + "/proxy/");
  options["app_key"] = std::string("dd-test-app-key-1234567890");
  Backend backend(options, host);
  backend.counter("c", 1);
  REQUIRE(backend.flush(5s) == METRICS_OK);
  auto all = server.requests();
  REQUIRE(all.size() == 1);
  CHECK(all[0].path == "/proxy/api/v2/series");
  CHECK(all[0].header("dd-application-key") == "dd-test-app-key-1234567890");
}

TEST_CASE("with compression none and deflate the bodies are sent as asked",
          "[datadog][integration]") {
  auto [compression, expected] =
      GENERATE(table<std::string, std::string>({{"none", ""}, {"deflate", "deflate"}}));
  HttpsServer server;
  RecordingHost host;
  auto options = test_options(server.url());
  options["compression"] = compression;
  Backend backend(options, host);
  backend.counter("c", 1);
  backend.distribution("d", 1.5);
  REQUIRE(backend.flush(5s) == METRICS_OK);
  auto all = server.requests();
  REQUIRE(all.size() == 2);
  auto series = at_path(all, "/api/v2/series");
  REQUIRE(series.size() == 1);
  CHECK(series[0].header("content-encoding") == expected);
  if (compression == "none") CHECK(series[0].raw_body == series[0].body);
  CHECK(series_of(series[0].body).size() == 1);
  // The distribution endpoint takes deflate whenever compression is on.
  auto dist = at_path(all, "/api/v1/distribution_points");
  REQUIRE(dist.size() == 1);
  CHECK(dist[0].header("content-encoding") == expected);
}

TEST_CASE("points are sent at every flush interval without an explicit flush",
          "[datadog][integration]") {
  HttpsServer server;
  RecordingHost host;
  auto options = test_options(server.url());
  options["flush_interval_s"] = 0.1;
  Backend backend(options, host);
  backend.counter("periodic", 1);
  REQUIRE(server.wait_for_requests(1, 3s));
  backend.counter("periodic", 2);
  REQUIRE(server.wait_for_requests(2, 3s));
  auto all = server.requests();
  double total = 0;
  for (const auto& r : all)
    for (const auto& s : series_of(r.body))
      total += s->getArray("points")->getObject(0)->getValue<double>("value");
  CHECK(total == 3.0);
}

TEST_CASE("destroying the backend delivers what was aggregated", "[datadog][integration]") {
  HttpsServer server;
  RecordingHost host;
  Backend backend(test_options(server.url()), host);
  backend.counter("at.exit", 7);
  backend.event("bye", "shutting down");
  auto took = backend.destroy();
  CHECK(took < 2s);
  auto all = server.requests();
  REQUIRE(all.size() == 2);
  CHECK(at_path(all, "/api/v2/series").size() == 1);
  CHECK(at_path(all, "/api/v1/events").size() == 1);
}

TEST_CASE("an event older than the intake takes is not sent and is counted",
          "[datadog][integration]") {
  HttpsServer server;
  RecordingHost host;
  Backend backend(test_options(server.url()), host);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  backend.event("stale", "from yesterday", {}, METRICS_ALERT_INFO, now - 20 * 3600);
  backend.event("recent", "an hour ago", {}, METRICS_ALERT_INFO, now - 3600);
  REQUIRE(backend.flush(5s) == METRICS_OK);
  auto all = server.requests();
  REQUIRE(all.size() == 1);
  auto e = parse_object(all[0].body);
  CHECK(e->getValue<std::string>("title") == "recent");
  CHECK(e->getValue<int64_t>("date_happened") == now - 3600);
  CHECK(host.counter("dropped.too_old") == 1);
}

TEST_CASE("threads emitting while flushes and intervals run deliver every increment once",
          "[datadog][integration][threads]") {
  HttpsServer server;
  RecordingHost host;
  auto options = test_options(server.url());
  options["flush_interval_s"] = 0.02;
  Backend backend(options, host);
  constexpr int kThreads = 4, kPerThread = 5000;
  std::atomic<bool> done{false};
  std::thread flusher([&] {
    while (!done.load()) backend.flush(50ms);
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&backend, t] {
      for (int i = 0; i < kPerThread; ++i) {
        backend.counter("shared", 1, {{"k", "v"}});
        backend.distribution("values", t);
        if (i % 1000 == 0) backend.event("tick", std::to_string(t));
      }
    });
  for (auto& th : threads) th.join();
  done = true;
  flusher.join();
  REQUIRE(backend.flush(10s) == METRICS_OK);
  double counted = 0;
  size_t values = 0, events = 0;
  for (const auto& r : server.requests()) {
    if (r.path == "/api/v1/events") {
      ++events;
      continue;
    }
    for (const auto& s : series_of(r.body)) {
      if (r.path == "/api/v2/series")
        counted += s->getArray("points")->getObject(0)->getValue<double>("value");
      else
        values += s->getArray("points")->getArray(0)->getArray(1)->size();
    }
  }
  CHECK(counted == kThreads * kPerThread);
  CHECK(values == size_t{kThreads} * kPerThread);
  CHECK(events == size_t{kThreads} * (kPerThread / 1000));
  CHECK(host.counters().count("dropped.buffer_full") == 0);
}
