#include <catch2/catch.hpp>

#include <metrics/metrics.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Registers the application's "metrics" logger, as Sentry's LOGGING['loggers'] does.
struct AppLogger {
  std::ostringstream out;
  AppLogger() {
    auto l = std::make_shared<spdlog::logger>(
        "metrics", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    l->set_pattern("%l %v");
    l->set_level(spdlog::level::trace);
    spdlog::register_logger(l);
  }
  ~AppLogger() { spdlog::drop("metrics"); }
};

void emit_everything(metrics::Client& c) {
  c.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", 200}}});
  c.incr("bytes", 2.5, {.instance = "web-1", .sample_rate = 1.0});
  c.gauge("queue", -3);
  c.timing("latency", 12.5, {.tags = {{"db", "main"}}});
  c.distribution("payload", 512, {.unit = "byte"});
  c.set("users", "alice");
  c.event("Deploy", "v1 live",
          {.tags = {{"team", "core"}}, .alert_type = metrics::AlertType::warning});
}

}  // namespace

TEST_CASE("the logging backend writes every operation to the application's metrics logger",
          "[logging]") {
  AppLogger app;
  metrics::Client c(metrics::Config::from_string(
      "[metrics]\nbackend = \"metrics.logging.LoggingBackend\"\nprefix = \"svc.\"\n", "log.toml"));
  emit_everything(c);
  c.flush();
  CHECK(lines_of(app.out.str()) ==
        std::vector<std::string>{
            "debug incr svc.requests +1 tags={endpoint=/api, status=200}",
            "debug incr svc.bytes +2.5 instance=web-1",
            "debug gauge svc.queue -3",
            "debug timing svc.latency 12.5ms tags={db=main}",
            "debug distribution svc.payload 512 byte",
            "debug set svc.users alice",
            "debug event [warning] Deploy: v1 live tags={team=core}",
        });
}

TEST_CASE("the logging backend writes JSON lines at the configured level to a file", "[logging]") {
  char pattern[] = "/tmp/metrics-logging-XXXXXX";
  std::filesystem::path dir = ::mkdtemp(pattern);
  auto file = dir / "metrics.jsonl";
  {
    metrics::Client c(metrics::Config::from_string(
        "[metrics]\nbackend = \"metrics.logging.LoggingBackend\"\n[metrics.options]\n"
        "sink = \"file\"\nfile = \"" +
            file.string() +
            "\"\nformat = \"json\"\nlevel = \"info\"\n"
            "pattern = \"%v\"\n",
        "log.toml"));
    emit_everything(c);
    c.incr("sampled", 1, {.sample_rate = 0.999999999});
  }
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  auto lines = lines_of(text.str());
  REQUIRE(lines.size() >= 7);
  CHECK(
      lines[0] ==
      R"({"kind":"counter","name":"requests","value":1,"sample_rate":1,"tags":{"endpoint":"/api","status":"200"}})");
  CHECK(
      lines[1] ==
      R"({"kind":"counter","name":"bytes","value":2.5,"instance":"web-1","sample_rate":1,"tags":{}})");
  CHECK(lines[2] == R"({"kind":"gauge","name":"queue","value":-3,"sample_rate":1,"tags":{}})");
  CHECK(
      lines[3] ==
      R"({"kind":"timing","name":"latency","value":12.5,"unit":"millisecond","sample_rate":1,"tags":{"db":"main"}})");
  CHECK(
      lines[4] ==
      R"({"kind":"distribution","name":"payload","value":512,"unit":"byte","sample_rate":1,"tags":{}})");
  CHECK(lines[5] == R"({"kind":"set","name":"users","member":"alice","sample_rate":1,"tags":{}})");
  CHECK(
      lines[6] ==
      R"({"kind":"event","title":"Deploy","text":"v1 live","alert_type":"warning","tags":{"team":"core"}})");
  std::filesystem::remove_all(dir);
}

TEST_CASE("the logging backend writes nothing below the application logger's level", "[logging]") {
  AppLogger app;
  spdlog::get("metrics")->set_level(spdlog::level::info);
  metrics::Client c(metrics::Config::from_string(
      "[metrics]\nbackend = \"metrics.logging.LoggingBackend\"\n", "log.toml"));
  c.incr("hidden");
  CHECK(app.out.str().empty());
}

TEST_CASE("sink = 'file' without a file is refused at create with the reason", "[logging]") {
  REQUIRE_THROWS_WITH(
      metrics::Client(metrics::Config::from_string(
          "[metrics]\nbackend = \"metrics.logging.LoggingBackend\"\n[metrics.options]\nsink = "
          "\"file\"\n",
          "log.toml")),
      Catch::Matchers::Contains("metrics.logging.LoggingBackend: the backend refused to start: "
                                "sink = 'file' needs the option 'file'"));
}

TEST_CASE("each shipped plugin loads by its dotted name from a TOML file", "[plugins]") {
  auto name = GENERATE(as<std::string>{}, "metrics.dummy.DummyMetricsBackend",
                       "metrics.logging.LoggingBackend");
  metrics::Client c(
      metrics::Config::from_string("[metrics]\nbackend = \"" + name + "\"\n", "shipped.toml"));
  CHECK(c.backend_names() == std::vector<std::string>{name});
  c.incr("loaded");
  CHECK(c.telemetry().emitted == 1);
}
