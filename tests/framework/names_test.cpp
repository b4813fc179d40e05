#include <catch2/catch.hpp>

#include "names.hpp"
#include "recorder.hpp"

#include <metrics/metrics.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

TEST_CASE("backend names follow the dotted grammar before any file is touched", "[names]") {
  auto [name, valid] = GENERATE(table<std::string, bool>({
      {"metrics.statsd.StatsdMetricsBackend", true},
      {"metrics.datadog.DogStatsdMetricsBackend", true},
      {"acme.Backend", true},
      {"a_1._b.C9", true},
      {"Backend", false},
      {"metrics..Backend", false},
      {".metrics.Backend", false},
      {"metrics.Backend.", false},
      {"metrics/statsd.Backend", false},
      {"../metrics.Backend", false},
      {"metrics.1st.Backend", false},
      {"metrics.st-atsd.Backend", false},
      {"", false},
  }));
  CAPTURE(name);
  CHECK(metrics::detail::parse_backend_name(name).has_value() == valid);
}

TEST_CASE("the module is everything before the last dot, the class after it", "[names]") {
  auto n = metrics::detail::parse_backend_name("metrics.datadog.DogStatsdMetricsBackend");
  REQUIRE(n);
  CHECK(n->module == "metrics.datadog");
  CHECK(n->class_name == "DogStatsdMetricsBackend");
}

namespace {
struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/metrics-test-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
struct EnvVar {
  std::string name;
  EnvVar(std::string n, const std::string& value) : name(std::move(n)) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~EnvVar() { ::unsetenv(name.c_str()); }
};
}  // namespace

TEST_CASE(
    "modules are searched in plugin_path, then METRICS_PLUGIN_PATH, then the built-in folders",
    "[names]") {
  TempDir config_dir, env_dir;
  fs::create_directories(config_dir.path / "mods");
  const fs::path module = fs::path(METRICS_TEST_FIXTURE_PLUGIN_DIR) / "test.recording.so";
  fs::copy_file(module, config_dir.path / "mods" / "test.recording.so");
  fs::copy_file(module, env_dir.path / "test.recording.so");
  EnvVar env("METRICS_PLUGIN_PATH", "/nonexistent:" + env_dir.path.string());

  using metrics::detail::module_search_path;
  auto dirs = module_search_path({"mods"}, config_dir.path);
  REQUIRE(dirs.size() >= 4);
  CHECK(dirs[0].path == config_dir.path / "mods");
  CHECK(dirs[0].origin == "plugin_path");
  CHECK(dirs[1].path == "/nonexistent");
  CHECK(dirs[2].path == env_dir.path);
  CHECK(dirs[2].origin == "METRICS_PLUGIN_PATH");
  CHECK(dirs[3].origin == "build tree");

  SECTION("the first folder that has the file wins") {
    CHECK(*metrics::detail::find_module_file("test.recording", dirs) ==
          config_dir.path / "mods" / "test.recording.so");
    auto without_config = module_search_path({}, config_dir.path);
    CHECK(*metrics::detail::find_module_file("test.recording", without_config) ==
          env_dir.path / "test.recording.so");
  }
}

TEST_CASE("a name that resolves to nothing lists every folder searched and the nearest names",
          "[names]") {
  std::string text = "[metrics]\nbackend = \"metrics.statsdd.StatsdMetricsBackend\"\n";
  REQUIRE_THROWS_WITH(metrics::Client(metrics::Config::from_string(text, "app.toml")),
                      Contains("app.toml:2:11: metrics.backend: no module 'metrics.statsdd' "
                               "(file 'metrics.statsdd.so') in any folder searched:") &&
                          Contains("(build tree)") &&
                          Contains("nearest known names: metrics.statsd.StatsdMetricsBackend"));
}

TEST_CASE("a class the module does not export lists the classes it does", "[names]") {
  std::string text = metrics::test::config_for("test.recording.RecordingBackendd");
  REQUIRE_THROWS_WITH(metrics::Client(metrics::Config::from_string(text, "app.toml")),
                      Contains("has no class 'RecordingBackendd'; it exports: "
                               "test.recording.RecordingBackend, test.recording.FailingBackend, "
                               "test.recording.ThrowingBackend, test.recording.SchemaBackend, "
                               "test.recording.CountingBackend, test.recording.DroppingBackend, "
                               "test.recording.ReentrantBackend. "
                               "did you mean 'RecordingBackend'?"));
}

TEST_CASE("names with '..' or '/' are refused with the grammar, naming the key",
          "[names][config]") {
  auto bad = GENERATE(as<std::string>{}, "metrics..dummy.X", "../../tmp/evil.X", "metrics/dummy.X");
  std::string text = "[metrics]\nbackend = \"" + bad + "\"\n";
  REQUIRE_THROWS_WITH(metrics::Config::from_string(text, "app.toml"),
                      Contains("app.toml:2:11: metrics.backend: '" + bad +
                               "' is not a backend name: expected identifiers joined by dots"));
}
