#include <catch2/catch.hpp>

#include "recorder.hpp"

#include <metrics/metrics.hpp>

using metrics::test::RecorderScope;

namespace {
std::string fan_out_config(const std::string& second_backend = "test.recording.RecordingBackend") {
  return std::string("[metrics]\nplugin_path = [\"") + METRICS_TEST_FIXTURE_PLUGIN_DIR +
         "\"]\n"
         "[[metrics.backends]]\nbackend = \"test.recording.RecordingBackend\"\n"
         "[metrics.backends.options]\nlabel = \"everything\"\n"
         "[[metrics.backends]]\nbackend = \"" +
         second_backend +
         "\"\nprefixes = [\"billing.\", \"checkout.\"]\n"
         "[metrics.backends.options]\nlabel = \"billing\"\n";
}

std::vector<std::string> seen(const std::vector<metrics::test::RecordedSample>& s) {
  std::vector<std::string> out;
  for (const auto& x : s) out.push_back(x.backend + " " + x.name);
  return out;
}
}  // namespace

TEST_CASE("[[metrics.backends]] sends each call to every backend whose prefixes match",
          "[fanout]") {
  RecorderScope rec;
  metrics::Client c(metrics::Config::from_string(fan_out_config(), "fanout.toml"));
  CHECK(c.backend_names() == std::vector<std::string>{"test.recording.RecordingBackend",
                                                      "test.recording.RecordingBackend"});
  c.incr("billing.invoices");
  c.incr("web.requests");
  c.gauge("checkout.cart", 3);
  CHECK(seen(rec.samples()) ==
        std::vector<std::string>{"everything billing.invoices", "billing billing.invoices",
                                 "everything web.requests", "everything checkout.cart",
                                 "billing checkout.cart"});
}

TEST_CASE("one failing backend does not affect the others", "[fanout]") {
  RecorderScope rec;
  std::string text = std::string("[metrics]\nplugin_path = [\"") + METRICS_TEST_FIXTURE_PLUGIN_DIR +
                     "\"]\n[[metrics.backends]]\nbackend = \"test.recording.ThrowingBackend\"\n"
                     "[[metrics.backends]]\nbackend = \"test.recording.RecordingBackend\"\n";
  metrics::Client c(metrics::Config::from_string(text, "fanout.toml"));
  for (int i = 0; i < 3; ++i) c.incr("x");
  CHECK(rec.samples().size() == 3);
  CHECK(c.telemetry().get("backend_errors") == 3);
  CHECK(c.telemetry().emitted == 3);
}

TEST_CASE("a fan-out config swaps like a single backend", "[fanout][swap]") {
  RecorderScope rec;
  metrics::Client c(metrics::Config::from_string(fan_out_config(), "fanout.toml"));
  auto single = metrics::Config::from_string(
      metrics::test::config_for("test.recording.RecordingBackend", "", "label = \"single\""),
      "one.toml");
  REQUIRE(c.apply(single));
  c.incr("billing.after");
  CHECK(seen(rec.samples()) == std::vector<std::string>{"single billing.after"});
  auto failing =
      metrics::Config::from_string(fan_out_config("test.recording.FailingBackend"), "f.toml");
  CHECK(c.apply(failing).status == metrics::ReloadResult::Status::failed);
  c.incr("billing.still");
  CHECK(seen(rec.samples()).back() == "single billing.still");
}

TEST_CASE("a [[metrics.backends]] entry without a backend name is an error with its position",
          "[fanout][config]") {
  REQUIRE_THROWS_WITH(
      metrics::Config::from_string("[metrics]\n[[metrics.backends]]\nprefixes = []\n", "f.toml"),
      "f.toml:2:1: metrics.backends[0]: missing key 'backend' (the dotted backend name)");
}

TEST_CASE("a backend that cannot be found is named by the key that gave it", "[fanout][config]") {
  const std::string dir = METRICS_TEST_FIXTURE_PLUGIN_DIR;
  SECTION("the only [[metrics.backends]] entry") {
    REQUIRE_THROWS_WITH(
        metrics::Client(metrics::Config::from_string(
            "[metrics]\nplugin_path = [\"" + dir +
                "\"]\n[[metrics.backends]]\nbackend = \"test.missing.Backend\"\n",
            "one.toml")),
        Catch::Matchers::StartsWith("one.toml:4:11: metrics.backends[0].backend: no module"));
  }
  SECTION("the second of two") {
    REQUIRE_THROWS_WITH(
        metrics::Client(metrics::Config::from_string(
            "[metrics]\nplugin_path = [\"" + dir +
                "\"]\n[[metrics.backends]]\nbackend = \"test.recording.RecordingBackend\"\n"
                "[[metrics.backends]]\nbackend = \"test.missing.Backend\"\n",
            "two.toml")),
        Catch::Matchers::StartsWith("two.toml:6:11: metrics.backends[1].backend: no module"));
  }
  SECTION("the single backend key") {
    REQUIRE_THROWS_WITH(
        metrics::Client(metrics::Config::from_string(
            "[metrics]\nplugin_path = [\"" + dir + "\"]\nbackend = \"test.missing.Backend\"\n",
            "single.toml")),
        Catch::Matchers::StartsWith("single.toml:3:11: metrics.backend: no module"));
  }
}
