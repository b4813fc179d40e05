#include <catch2/catch.hpp>

#include "recorder.hpp"

#include <metrics/metrics.hpp>

using Catch::Matchers::Contains;
using metrics::test::config_for;
using metrics::test::RecorderScope;

namespace {
metrics::Client client_for(const std::string& backend, const std::string& extra = "",
                           const std::string& options = "") {
  return metrics::Client(
      metrics::Config::from_string(config_for(backend, extra, options), "abi.toml"));
}
}  // namespace

TEST_CASE("a module built for another ABI major is refused, naming both versions", "[abi]") {
  REQUIRE_THROWS_WITH(
      client_for("test.wrongmajor.Anything"),
      Contains("test.wrongmajor.so: built for metrics ABI 2.3, but this host speaks "
               "ABI 1.0; rebuild the plugin against this SDK"));
}

TEST_CASE("a shared object without the entry symbol is refused", "[abi]") {
  REQUIRE_THROWS_WITH(client_for("test.noentry.Anything"),
                      Contains("test.noentry.so: not a metrics module: it does not export "
                               "'metrics_module_entry'"));
}

TEST_CASE("a plugin built against an older minor with smaller structs is loaded and fed", "[abi]") {
  RecorderScope rec;
  auto client = client_for("test.oldminor.OldBackend");
  client.incr("old.counter", 3, {.tags = {{"k", "v"}}});
  client.event("ignored", "the old table has no event entry");  // must not crash
  CHECK(client.flush());  // no flush entry: treated as nothing to flush
  auto s = rec.samples();
  REQUIRE(s.size() == 1);
  CHECK(s[0].backend == "old-minor");
  CHECK(s[0].name == "old.counter");
  CHECK(s[0].value == 3);
  CHECK(s[0].tags_text() == "k:v");
}

TEST_CASE("a plugin written in plain C is loaded and fed", "[abi]") {
  RecorderScope rec;
  auto client = client_for("test.cplugin.CBackend");
  client.gauge("c.gauge", -2.5, {.tags = {{"lang", "c"}}, .instance = "i7"});
  auto s = rec.samples();
  REQUIRE(s.size() == 1);
  CHECK(s[0].backend == "c-plugin");
  CHECK(s[0].kind == METRICS_KIND_GAUGE);
  CHECK(s[0].value == -2.5);
  CHECK(s[0].instance == "i7");
  CHECK(s[0].tags_text() == "lang:c");
}

TEST_CASE("a create that fails surfaces the plugin's reason", "[abi]") {
  REQUIRE_THROWS_WITH(
      client_for("test.recording.FailingBackend"),
      Contains("test.recording.FailingBackend: the backend refused to start: cannot "
               "reach the collector at 10.0.0.1:9 (refused)"));
}

TEST_CASE("an exception thrown by a plugin's emit is contained and counted", "[abi]") {
  auto client = client_for("test.recording.ThrowingBackend");
  for (int i = 0; i < 5; ++i) REQUIRE_NOTHROW(client.incr("boom"));
  auto t = client.telemetry();
  CHECK(t.get("backend_errors") == 5);
  CHECK(t.emitted == 0);
  CHECK(t.calls == 5);
}

TEST_CASE("the SDK exports only the entry symbol and describes classes and options", "[abi][sdk]") {
  // The descriptor as the host sees it, through a real load.
  auto client = client_for("test.recording.SchemaBackend", "", "api_key = \"k\"");
  CHECK(client.backend_names() == std::vector<std::string>{"test.recording.SchemaBackend"});
}

TEST_CASE("a drop the backend reports is counted once by cause, and as refused by the host",
          "[abi]") {
  auto client = client_for("test.recording.DroppingBackend");
  for (int i = 0; i < 4; ++i) client.incr("full");
  auto t = client.telemetry();
  CHECK(t.get("dropped.test_full") == 4);
  CHECK(t.get("backend_refused") == 4);
  CHECK(t.get("backend_errors") == 0);
  CHECK(t.emitted == 0);
}
