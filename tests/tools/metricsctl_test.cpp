#include <catch2/catch.hpp>

#include "recorder.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

struct Run {
  int exit_code;
  std::string output;  // stdout and stderr
};

Run metricsctl(const std::string& args) {
  std::string cmd = std::string(METRICSCTL_PATH) + " " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

struct TempConfig {
  fs::path dir;
  fs::path file;
  explicit TempConfig(const std::string& text) {
    char pattern[] = "/tmp/metricsctl-test-XXXXXX";
    dir = ::mkdtemp(pattern);
    file = dir / "metrics.toml";
    std::ofstream(file) << text;
  }
  ~TempConfig() { fs::remove_all(dir); }
};

}  // namespace

TEST_CASE("check prints what would run with secrets redacted, and exits 0", "[metricsctl]") {
  ::setenv("METRICSCTL_TEST_KEY", "zq-distinctive-secret-91", 1);
  TempConfig cfg(metrics::test::config_for("test.recording.SchemaBackend", "prefix = \"app.\"",
                                           "api_key = \"env:METRICSCTL_TEST_KEY\"\nport = 9125"));
  auto r = metricsctl("check " + cfg.file.string());
  CHECK(r.exit_code == 0);
  CHECK_THAT(
      r.output,
      Contains("backend: test.recording.SchemaBackend (module test.recording 1.0.0, ABI 1.0"));
  CHECK_THAT(r.output, Contains("  option port = 9125\n"));
  CHECK_THAT(r.output, Contains("  option host = \"127.0.0.1\"  (default)\n"));
  CHECK_THAT(r.output, Contains("  option api_key = <secret>\n"));
  CHECK_THAT(r.output, Contains("prefix = \"app.\""));
  CHECK_THAT(r.output, !Contains("zq-distinctive-secret-91"));
  ::unsetenv("METRICSCTL_TEST_KEY");
}

TEST_CASE("check exits non-zero with the reason on a bad config", "[metricsctl]") {
  TempConfig cfg("[metrics]\nbackend = \"metrics.dummy.DummyMetricsBackend\"\nprefx = \"a\"\n");
  auto r = metricsctl("check " + cfg.file.string());
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.output, Contains(cfg.file.string() +
                                ":3:1: metrics.prefx: unknown key; did you mean 'prefix'?"));
}

TEST_CASE("plugins lists every module found with its classes", "[metricsctl]") {
  auto r = metricsctl("plugins");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Contains("metrics.dummy 1.0.0 (ABI 1.0)"));
  CHECK_THAT(
      r.output,
      Contains(
          "  metrics.logging.LoggingBackend  Writes every metric as a log line through spdlog"));
}

TEST_CASE("describe lists a class's options with type, default and description", "[metricsctl]") {
  auto r = metricsctl("describe metrics.logging.LoggingBackend");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Contains("  format (string) default text one of text json\n"
                                "      'text' lines, or 'json' objects, one per line"));
  auto missing = metricsctl("describe metrics.logging.LogingBackend");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.output, Contains("did you mean 'LoggingBackend'?"));
}

TEST_CASE("emit sends one metric through the configured backend and flushes", "[metricsctl]") {
  TempConfig cfg("");
  fs::path log = cfg.dir / "out.log";
  std::ofstream(cfg.file) << "[metrics]\nbackend = \"metrics.logging.LoggingBackend\"\n"
                             "[metrics.options]\nsink = \"file\"\nfile = \""
                          << log.string() << "\"\npattern = \"%v\"\n";
  auto r = metricsctl("emit " + cfg.file.string() +
                      " gauge queue.depth -4 --tag queue:emails --tag shard:2");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output,
             Contains("gauge queue.depth -4 -> metrics.logging.LoggingBackend: sent, flushed"));
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  CHECK(line == "gauge queue.depth -4 tags={queue=emails, shard=2}");

  auto bad = metricsctl("emit " + cfg.file.string() + " gauge queue.depth notanumber");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Contains("VALUE 'notanumber' is not a number"));
}
