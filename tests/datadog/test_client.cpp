// metrics.datadog loaded by the framework from TOML, by its dotted name, through
// metrics::Client: the whole path from a metric call to the HTTPS intake, with the host's
// log lines captured from the application's "metrics" spdlog logger.
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <catch2/catch.hpp>
#include <metrics/metrics.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>

#include "harness.hpp"
#include "https_server.hpp"
#include "json_helpers.hpp"
#include "pki.hpp"

using namespace dd_test;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

class CapturingSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  std::string all() {
    std::string out;
    for (const auto& l : lines()) out += l + "\n";
    return out;
  }
  size_t containing(const std::string& text) {
    size_t n = 0;
    for (const auto& l : lines())
      if (l.find(text) != std::string::npos) ++n;
    return n;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines_.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

// Registers the application's "metrics" logger for one test.
struct CapturedLog {
  std::shared_ptr<CapturingSink> sink = std::make_shared<CapturingSink>();
  CapturedLog() {
    spdlog::drop("metrics");
    auto logger = std::make_shared<spdlog::logger>("metrics", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::register_logger(logger);
  }
  ~CapturedLog() { spdlog::drop("metrics"); }
};

const char* kKeyVariable = "METRICS_DD_TEST_API_KEY";

std::string toml(const std::string& url, const std::string& extra = {},
                 const std::string& timeout_s = "2", const std::string& max_retries = "2") {
  return "[metrics]\n"
         "backend = \"metrics.datadog.DatadogMetricsBackend\"\n"
         "[metrics.tags]\n"
         "team = \"core\"\n"
         "[metrics.options]\n"
         "api_key = \"env:" +
         std::string(kKeyVariable) +
         "\"\n"
         "url = \"" +
         url +
         "\"\n"
         "ca_file = \"" +
         pki().ca_file +
         "\"\n"
         "host = \"client-host\"\n"
         "flush_interval_s = 3600\n"
         "retry_base_s = 0.05\n"
         "retry_max_s = 0.1\n"
         "max_retries = " +
         max_retries +
         "\n"
         "timeout_s = " +
         timeout_s +
         "\n"
         "tags = { env = \"test\" }\n" +
         extra;
}

std::map<std::string, Poco::JSON::Object::Ptr> by_metric(const std::vector<Request>& requests,
                                                         const std::string& path) {
  std::map<std::string, Poco::JSON::Object::Ptr> out;
  for (const auto& r : requests)
    if (r.path == path)
      for (const auto& s : series_of(r.body)) out[s->getValue<std::string>("metric")] = s;
  return out;
}

std::vector<std::string> sorted_tags(const Poco::JSON::Object::Ptr& s) {
  auto v = string_array(s->getArray("tags"));
  std::sort(v.begin(), v.end());
  return v;
}

// Runs `metricsctl check <file>` and returns its output (stdout and stderr); rc = exit code.
std::string metricsctl_check(const std::string& file, int& rc) {
  const std::string metricsctl =
      std::string(METRICS_TEST_BINARY_DIR) + "/tools/metricsctl/metricsctl";
  if (!std::ifstream(metricsctl).good()) FAIL("metricsctl is not built at " << metricsctl);
  std::string output;
  FILE* p = ::popen((metricsctl + " check '" + file + "' 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) output.append(buf, n);
  rc = ::pclose(p);
  return output;
}

}  // namespace

TEST_CASE("a client configured from TOML sends through metrics.datadog.DatadogMetricsBackend",
          "[datadog][integration][client]") {
  ::setenv(kKeyVariable, kApiKey.c_str(), 1);
  CapturedLog log;
  HttpsServer server;
  {
    metrics::Client client(metrics::Config::from_string(toml(server.url()), "test.toml"));
    client.incr("jobs", 1, {.tags = {{"queue", "fast"}, {"n", 3}}, .instance = "i1"});
    client.incr("jobs", 2, {.tags = {{"n", 3}, {"queue", "fast"}}, .instance = "i1"});
    for (int i = 0; i < 2000; ++i) client.incr("sampled", 1, {.sample_rate = 0.5});
    client.gauge("g", -3.5);
    client.timing("t", 12.5);
    client.distribution("d", 1.0, {.unit = "byte"});
    client.set("s", "member");
    client.set("s", "member");
    client.event("title", "text", {.tags = {{"kind", "deploy"}}});
    REQUIRE(client.flush(5s));

    const auto requests = server.requests();
    for (const auto& r : requests) CHECK(r.header("dd-api-key") == kApiKey);
    auto series = by_metric(requests, "/api/v2/series");
    REQUIRE(series.count("jobs") == 1);
    auto jobs = series.at("jobs");
    CHECK(jobs->getArray("points")->getObject(0)->getValue<double>("value") == 3.0);
    CHECK(sorted_tags(jobs) ==
          std::vector<std::string>{"env:test", "instance:i1", "n:3", "queue:fast", "team:core"});
    CHECK(jobs->getArray("resources")->getObject(0)->getValue<std::string>("name") ==
          "client-host");
    // The host samples; the backend scales what it gets by 1/rate.
    const double sampled =
        series.at("sampled")->getArray("points")->getObject(0)->getValue<double>("value");
    CHECK(sampled > 1500);
    CHECK(sampled < 2500);
    CHECK(series.at("g")->getArray("points")->getObject(0)->getValue<double>("value") == -3.5);
    CHECK(series.at("s")->getArray("points")->getObject(0)->getValue<double>("value") == 1.0);
    auto dists = by_metric(requests, "/api/v1/distribution_points");
    REQUIRE(dists.count("t") == 1);
    CHECK(dists.at("t")->getArray("points")->getArray(0)->getArray(1)->getElement<double>(0) ==
          12.5);
    REQUIRE(dists.count("d") == 1);
    size_t events = 0;
    for (const auto& r : requests)
      if (r.path == "/api/v1/events") {
        ++events;
        auto e = parse_object(r.body);
        CHECK(e->getValue<std::string>("title") == "title");
        CHECK(sorted_tags(e) == std::vector<std::string>{"env:test", "kind:deploy", "team:core"});
      }
    CHECK(events == 1);

    metrics::Telemetry t = client.telemetry();
    CHECK(t.get("datadog.requests_sent") == 3);
  }
  INFO(log.sink->all());
  CHECK(log.sink->all().find(kApiKey) == std::string::npos);
}

TEST_CASE("through the client a 403 is logged once and the key never shows in any line",
          "[datadog][integration][client]") {
  ::setenv(kKeyVariable, kApiKey.c_str(), 1);
  CapturedLog log;
  HttpsServer server([](const Request&, size_t) {
    return Reply{403, "{\"errors\":[\"Forbidden\"]}", {}};
  });
  SilentServer silent;
  {
    metrics::Client client(metrics::Config::from_string(toml(server.url()), "test.toml"));
    for (int i = 0; i < 3; ++i) {
      client.incr("refused", 1);
      client.flush(5s);
    }
    CHECK(server.request_count() == 3);
    CHECK(client.telemetry().get("dropped.rejected") == 3);
  }
  {
    // And under timeouts and a refused certificate too.
    metrics::Client client(metrics::Config::from_string(
        toml(silent.url(), "shutdown_timeout_s = 0.5\n", "0.2", "0"), "test.toml"));
    client.incr("slow", 1);
    client.flush(300ms);
  }
  INFO(log.sink->all());
  CHECK(log.sink->containing("the API key was rejected (HTTP 403 Forbidden)") == 1);
  CHECK(log.sink->containing("timed out") >= 1);
  CHECK(log.sink->all().find(kApiKey) == std::string::npos);
}

TEST_CASE("without a key in the config or DD_API_KEY the client refuses the backend clearly",
          "[datadog][integration][client]") {
  ::unsetenv("DD_API_KEY");
  CapturedLog log;
  const std::string config =
      "[metrics]\nbackend = \"metrics.datadog.DatadogMetricsBackend\"\n"
      "[metrics.options]\nurl = \"https://localhost:1\"\n";
  CHECK_THROWS_WITH(metrics::Client(metrics::Config::from_string(config, "test.toml")),
                    Contains("DD_API_KEY"));
}

TEST_CASE("metricsctl check shows the datadog backend without ever printing the key",
          "[datadog][integration][client]") {
  HttpsServer server;
  const std::string path = pki().dir + "/check.toml";
  {
    // The application key written in the file, the API key from the environment.
    std::ofstream f(path);
    f << toml(server.url(), "app_key = \"" + kApiKey + "-app\"\n");
  }
  ::setenv(kKeyVariable, kApiKey.c_str(), 1);
  int rc = -1;
  const std::string output = metricsctl_check(path, rc);
  INFO(output);
  CHECK(rc == 0);
  CHECK_THAT(output, Contains("DatadogMetricsBackend"));
  CHECK_THAT(output, Contains("option app_key = <secret>"));
  CHECK(output.find(kApiKey) == std::string::npos);
}

TEST_CASE("the shipped config/datadog.toml passes metricsctl check with the key from DD_API_KEY",
          "[datadog][integration][client]") {
  // check loads and validates, and sends nothing: no Datadog host is contacted.
  ::setenv("DD_API_KEY", kApiKey.c_str(), 1);
  int rc = -1;
  const std::string output =
      metricsctl_check(std::string(METRICS_TEST_SOURCE_DIR) + "/config/datadog.toml", rc);
  ::unsetenv("DD_API_KEY");
  INFO(output);
  CHECK(rc == 0);
  CHECK_THAT(output, Contains("metrics.datadog.DatadogMetricsBackend"));
  CHECK_THAT(output, Contains("option api_key = <secret>"));
  CHECK_THAT(output, Contains("option compression = \"gzip\""));
  CHECK(output.find(kApiKey) == std::string::npos);
}
