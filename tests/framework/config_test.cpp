#include <catch2/catch.hpp>

#include "recorder.hpp"

#include <metrics/metrics.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using metrics::test::config_for;
using metrics::test::RecorderScope;

namespace {

std::string schema_config(const std::string& options) {
  return config_for("test.recording.SchemaBackend", "", options);
}

// The message a client built from `text` fails with.
std::string failure_of(const std::string& text) {
  try {
    metrics::Client c(metrics::Config::from_string(text, "app.toml"));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// The summary SchemaBackend made of the options it received.
std::string received(const std::string& options) {
  RecorderScope rec;
  metrics::Client c(metrics::Config::from_string(schema_config(options), "app.toml"));
  c.incr("probe");
  auto s = rec.samples();
  REQUIRE(s.size() == 1);
  return s[0].member;
}

}  // namespace

TEST_CASE("every bad config names file, line, column, key and what was expected", "[config]") {
  // Lines: 1 [metrics], 2 backend, 3 plugin_path, 4 extra, 5 [metrics.options], options from 6.
  auto [options, message] = GENERATE(table<std::string, std::string>({
      {"api_key = \"k\"\nprot = 1",
       "app.toml:7:1: metrics.options.prot: unknown option of test.recording.SchemaBackend; did "
       "you mean 'port'? (valid options: host, port, ratio, enabled, mode, hosts, tags, api_key)"},
      {"api_key = \"k\"\nport = \"8125\"",
       "app.toml:7:8: metrics.options.port: expected an integer, saw a string"},
      {"api_key = \"k\"\nport = 70000",
       "app.toml:7:8: metrics.options.port: 70000 is out of range: expected 1 to 65535"},
      {"api_key = \"k\"\nratio = 1.5",
       "app.toml:7:9: metrics.options.ratio: 1.5 is out of range: expected 0 to 1"},
      {"api_key = \"k\"\nenabled = \"yes\"",
       "app.toml:7:11: metrics.options.enabled: expected true or false, saw a string"},
      {"api_key = \"k\"\nmode = \"fats\"",
       "app.toml:7:8: metrics.options.mode: expected one of fast, safe, saw 'fats'; did you mean "
       "'fast'?"},
      {"api_key = \"k\"\nhosts = [\"a\", 2]",
       "app.toml:7:15: metrics.options.hosts: expected an array of strings, but an item is an "
       "integer"},
      {"api_key = \"k\"\ntags = 3",
       "app.toml:7:8: metrics.options.tags: expected a table of tags or an array of \"key:value\" "
       "strings, saw an integer"},
      {"host = \"h\"",
       "app.toml:5:1: metrics.options: missing required option 'api_key' of "
       "test.recording.SchemaBackend (The API key)"},
      {"api_key = \"env:METRICS_TEST_UNSET_VARIABLE\"",
       "app.toml:6:11: metrics.options.api_key: the environment variable "
       "METRICS_TEST_UNSET_VARIABLE named here is not set"},
  }));
  CAPTURE(options);
  CHECK_THAT(failure_of(schema_config(options)), Equals(message));
}

TEST_CASE("bad [metrics] keys and values are reported with their position", "[config]") {
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"[metrics]\nbackend = \"metrics.dummy.DummyMetricsBackend\"\nsampel_rate = 0.5\n",
       "app.toml:3:1: metrics.sampel_rate: unknown key; did you mean 'sample_rate'? (known keys: "
       "backend, backends, options, sample_rate, prefix, skip_internal_prefixes, "
       "disallow_bad_tags, allowed_bad_tags, tags, plugin_path)"},
      {"[metrics]\nsample_rate = 2\n",
       "app.toml:2:15: metrics.sample_rate: expected a number from 0 to 1, saw 2"},
      {"[metrics]\nprefix = 5\n",
       "app.toml:2:10: metrics.prefix: expected a string, saw an integer"},
      {"[metrics]\ndisallow_bad_tags = \"no\"\n",
       "app.toml:2:21: metrics.disallow_bad_tags: expected true or false, saw a string"},
      {"[metrics]\nbackend = 3\n",
       "app.toml:2:11: metrics.backend: expected a string, saw an integer"},
      {"[metrics]\n[metrics.tags]\nenv = [1]\n",
       "app.toml:3:7: metrics.tags.env: expected a string, number or boolean tag value, saw an "
       "array"},
      {"metrics = 1\n", "app.toml:1:11: metrics: expected a table, saw an integer"},
      {"[metrics]\n[metrics.options]\nport = 1\n",
       "app.toml:2:1: metrics.options: options are given but no backend is named; add backend = "
       "\"...\" to [metrics]"},
  }));
  CAPTURE(text);
  CHECK_THAT(failure_of(text), Equals(message));
}

TEST_CASE("a malformed TOML file is reported with toml++'s position and reason", "[config]") {
  std::string msg = failure_of("[metrics]\nbackend = \"metrics.dummy.DummyMetricsBackend\n");
  CHECK_THAT(msg, Contains("app.toml:2:") && Contains("invalid TOML:"));
}

TEST_CASE("an empty file, or one without [metrics], means the dummy backend", "[config]") {
  auto text = GENERATE(as<std::string>{}, "", "# nothing\n", "[app]\nname = \"x\"\n");
  metrics::Client c(metrics::Config::from_string(text, "app.toml"));
  CHECK(c.backend_names() == std::vector<std::string>{"metrics.dummy.DummyMetricsBackend"});
}

TEST_CASE("a config file that cannot be read says so and names it", "[config]") {
  REQUIRE_THROWS_WITH(metrics::Config::from_file("/nonexistent/metrics.toml"),
                      Equals("/nonexistent/metrics.toml: cannot read the config file: No such file "
                             "or directory"));
}

TEST_CASE("options arrive typed, with defaults applied and secrets read from the environment",
          "[config]") {
  ::setenv("METRICS_TEST_API_KEY", "s3cr3t-from-env", 1);
  SECTION("defaults") {
    CHECK(received("api_key = \"literal\"") ==
          "127.0.0.1:8125 ratio=0.500000 enabled=true mode=fast key=literal");
  }
  SECTION("given values, tags as a table and as k:v strings, a secret from the environment") {
    CHECK(received("api_key = \"env:METRICS_TEST_API_KEY\"\nhost = \"h\"\nport = 9\nratio = 1\n"
                   "enabled = false\nmode = \"safe\"\nhosts = [\"a\", \"b\"]\n"
                   "tags = { env = \"prod\", shard = 3 }") ==
          "h:9 ratio=1.000000 enabled=false mode=safe key=s3cr3t-from-env host=a host=b "
          "tag=env:prod tag=shard:3");
    CHECK(received("api_key = \"k\"\ntags = [\"env:prod\", \"role:web\"]") ==
          "127.0.0.1:8125 ratio=0.500000 enabled=true mode=fast key=k tag=env:prod tag=role:web");
  }
  ::unsetenv("METRICS_TEST_API_KEY");
}

TEST_CASE("a secret's value never appears in an error message", "[config]") {
  std::string msg = failure_of(schema_config("api_key = 12345678987654321"));
  CHECK_THAT(msg,
             Equals("app.toml:6:11: metrics.options.api_key: expected a string, saw an integer"));
  CHECK_THAT(msg, !Contains("12345678987654321"));
}

TEST_CASE("[metrics] keys are read into the Config", "[config]") {
  auto c = metrics::Config::from_string(
      "[metrics]\nbackend = \"metrics.statsd.StatsdMetricsBackend\"\nsample_rate = 0.25\n"
      "prefix = \"app.\"\nskip_internal_prefixes = [\"internal.\"]\ndisallow_bad_tags = true\n"
      "allowed_bad_tags = [\"org_id\"]\nplugin_path = \"plugins\"\n"
      "[metrics.tags]\nenv = \"prod\"\nshard = 3\ncanary = false\n",
      "app.toml");
  REQUIRE(c.backends.size() == 1);
  CHECK(c.backends[0].name == "metrics.statsd.StatsdMetricsBackend");
  CHECK(c.sample_rate == 0.25);
  CHECK(c.prefix == "app.");
  CHECK(c.skip_internal_prefixes == std::vector<std::string>{"internal."});
  CHECK(c.disallow_bad_tags);
  CHECK(c.allowed_bad_tags == std::vector<std::string>{"org_id"});
  CHECK(c.plugin_path == std::vector<std::string>{"plugins"});
  CHECK(c.tags == metrics::OwnedTags{{"canary", "false"}, {"env", "prod"}, {"shard", "3"}});
}
