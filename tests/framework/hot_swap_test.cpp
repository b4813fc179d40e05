#include <catch2/catch.hpp>

#include "recorder.hpp"

#include <metrics/metrics.hpp>

#include <dlfcn.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

using Catch::Matchers::Contains;
using metrics::ReloadResult;
using metrics::test::config_for;
using metrics::test::RecorderScope;
namespace fs = std::filesystem;

namespace {

metrics::Config recording_config(const std::string& label) {
  return metrics::Config::from_string(
      config_for("test.recording.RecordingBackend", "", "label = \"" + label + "\""), "swap.toml");
}

// A folder with a config file that tests rewrite; writes are atomic (rename), as an
// editor or a deploy tool does, so a reader never sees half a file.
struct ConfigDir {
  fs::path dir;
  fs::path file;
  ConfigDir() {
    char pattern[] = "/tmp/metrics-swap-XXXXXX";
    dir = ::mkdtemp(pattern);
    file = dir / "metrics.toml";
  }
  ~ConfigDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void write(const std::string& text) const {
    static int n = 0;
    fs::path tmp = dir / ("tmp" + std::to_string(++n));
    std::ofstream(tmp) << text;
    fs::rename(tmp, file);
  }
  void write_recording(const std::string& label) const {
    write(config_for("test.recording.RecordingBackend", "", "label = \"" + label + "\""));
  }
};

std::vector<std::string> backends_of(const std::vector<metrics::test::RecordedSample>& s) {
  std::vector<std::string> out;
  for (const auto& x : s) out.push_back(x.backend);
  return out;
}

}  // namespace

TEST_CASE("apply() swaps to the new backend and a failing config leaves the old one running",
          "[swap]") {
  RecorderScope rec;
  metrics::Client c(recording_config("first"));
  c.incr("one");
  CHECK(c.apply(recording_config("second")).status == ReloadResult::Status::swapped);
  c.incr("two");
  auto failed = c.apply(
      metrics::Config::from_string(config_for("test.recording.FailingBackend"), "bad.toml"));
  CHECK(failed.status == ReloadResult::Status::failed);
  CHECK_THAT(failed.message, Contains("the backend refused to start"));
  c.incr("three");
  CHECK(backends_of(rec.samples()) == std::vector<std::string>{"first", "second", "second"});
  CHECK(c.telemetry().get("reloads.failed") == 1);
  CHECK(c.telemetry().get("reloads.swapped") == 1);
}

TEST_CASE("reload() follows the edited file and says unchanged when nothing changed", "[swap]") {
  RecorderScope rec;
  ConfigDir cfg;
  cfg.write_recording("before");
  metrics::Client c(metrics::Config::from_file(cfg.file));
  c.incr("a");
  CHECK(c.reload().status == ReloadResult::Status::unchanged);
  cfg.write_recording("after");
  auto r = c.reload();
  CHECK(r.status == ReloadResult::Status::swapped);
  CHECK_THAT(r.message, Contains("test.recording.RecordingBackend"));
  c.incr("b");
  CHECK(backends_of(rec.samples()) == std::vector<std::string>{"before", "after"});
}

TEST_CASE("every failing reload leaves the running backend delivering, and says why", "[swap]") {
  RecorderScope rec;
  ConfigDir cfg;
  cfg.write_recording("running");
  metrics::Client c(metrics::Config::from_file(cfg.file));
  const std::string fixtures = METRICS_TEST_FIXTURE_PLUGIN_DIR;
  auto [what, text, reason] = GENERATE_REF(table<std::string, std::string, std::string>({
      {"malformed TOML", "[metrics\nbackend = 1", "invalid TOML"},
      {"unknown name", config_for("test.recording.NoSuchBackend"), "has no class 'NoSuchBackend'"},
      {"missing module file", config_for("test.absent.Backend"), "no module 'test.absent'"},
      {"wrong ABI", config_for("test.wrongmajor.Anything"), "built for metrics ABI 2.3"},
      {"option error", config_for("test.recording.RecordingBackend", "", "lable = \"x\""),
       "metrics.options.lable: unknown option"},
      {"create error", config_for("test.recording.FailingBackend"), "the backend refused to start"},
      {"config file removed", "", "cannot read the config file"},
  }));
  CAPTURE(what);
  if (text.empty())
    fs::remove(cfg.file);
  else
    cfg.write(text);
  auto r = c.reload();
  CHECK(r.status == ReloadResult::Status::failed);
  CHECK_THAT(r.message, Contains(reason));
  c.incr("still.delivered");
  REQUIRE(!rec.samples().empty());
  CHECK(rec.samples().back().backend == "running");
  CHECK(c.telemetry().get("reloads.failed") == 1);
}

TEST_CASE("a plugin file replaced by a new build is loaded afresh on reload", "[swap]") {
  RecorderScope rec;
  ConfigDir cfg;
  fs::create_directories(cfg.dir / "plugins");
  const fs::path fixtures = METRICS_TEST_FIXTURE_PLUGIN_DIR;
  auto install = [&](const std::string& version) {
    fs::copy_file(fixtures / version / "test.versioned.so", cfg.dir / "plugins" / "new.so");
    fs::rename(cfg.dir / "plugins" / "new.so", cfg.dir / "plugins" / "test.versioned.so");
  };
  install("v1");
  cfg.write(
      "[metrics]\nbackend = \"test.versioned.VersionedBackend\"\nplugin_path = [\"plugins\"]\n");
  metrics::Client c(metrics::Config::from_file(cfg.file));
  c.incr("x");
  install("v2");  // the config file itself is untouched
  auto r = c.reload();
  CHECK(r.status == ReloadResult::Status::swapped);
  c.incr("y");
  CHECK(c.reload().status == ReloadResult::Status::unchanged);
  CHECK(backends_of(rec.samples()) == std::vector<std::string>{"v1", "v2"});
}

TEST_CASE("watch() reloads by itself when the file or a plugin it uses changes", "[swap]") {
  RecorderScope rec;
  ConfigDir cfg;
  fs::create_directories(cfg.dir / "plugins");
  const fs::path fixtures = METRICS_TEST_FIXTURE_PLUGIN_DIR;
  fs::copy_file(fixtures / "v1" / "test.versioned.so", cfg.dir / "plugins" / "test.versioned.so");
  cfg.write(
      "[metrics]\nbackend = \"test.versioned.VersionedBackend\"\nplugin_path = [\"plugins\"]\n");
  metrics::Client c(metrics::Config::from_file(cfg.file));
  c.watch(std::chrono::milliseconds(20));

  auto wait_for = [&](const std::string& backend) {
    for (int i = 0; i < 500; ++i) {
      c.incr("probe");
      auto s = rec.samples();
      if (!s.empty() && s.back().backend == backend) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  CHECK(wait_for("v1"));
  fs::copy_file(fixtures / "v2" / "test.versioned.so", cfg.dir / "plugins" / "new.so");
  fs::rename(cfg.dir / "plugins" / "new.so", cfg.dir / "plugins" / "test.versioned.so");
  CHECK(wait_for("v2"));
  cfg.write_recording("edited");
  CHECK(wait_for("edited"));
  c.stop_watching();
  CHECK(c.telemetry().get("reloads.swapped") == 2);
}

TEST_CASE("four threads emitting while the config flips 1000 times lose no count",
          "[swap][threads]") {
  metrics::test::g_counted = 0;
  metrics::Client c(metrics::test::counting_config("a"));
  std::atomic<bool> stop{false};
  std::atomic<int64_t> emitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      int64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        c.incr("flip", t + 1);
        mine += t + 1;
      }
      emitted.fetch_add(mine);
    });
  for (int i = 0; i < 1000; ++i)
    REQUIRE(c.apply(metrics::test::counting_config(i % 2 ? "a" : "b")));
  stop = true;
  for (auto& t : threads) t.join();
  CHECK(metrics::test::g_counted.load() == emitted.load());
  CHECK(emitted.load() > 0);
  CHECK(c.telemetry().get("reloads.swapped") == 1000);
}

TEST_CASE("a module no backend uses any more is unloaded after the swap", "[swap]") {
  const std::string file = std::string(METRICS_TEST_FIXTURE_PLUGIN_DIR) + "/test.cplugin.so";
  auto loaded = [&] {
    void* h = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (h != nullptr) ::dlclose(h);  // NOLOAD took a reference; give it back
    return h != nullptr;
  };
  REQUIRE_FALSE(loaded());
  metrics::Client c(metrics::Config::from_string(config_for("test.cplugin.CBackend"), "c.toml"));
  CHECK(loaded());
  REQUIRE(c.apply(recording_config("other")));
  CHECK_FALSE(loaded());
}
