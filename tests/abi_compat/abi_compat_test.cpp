// ABI compatibility through real loads: a clang-built plugin in this gcc-built host, and
// plugins built against a frozen 1.0 header and a grown 1.1 header, each in a host of the
// other version (this host for one direction, a simulated 1.1 host for the other).
#include <catch2/catch.hpp>

#include <metrics/abi.h>
#include <metrics/inspect.hpp>
#include <metrics/metrics.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <vector>

// The fixture abi_1_1 is "the live header plus one minor". When the live header grows,
// regenerate it from the new live header (see README.md) so that it stays the newer one.
static_assert(METRICS_ABI_MAJOR == 1 && METRICS_ABI_MINOR == 0,
              "the live ABI grew: make tests/abi_compat/abi_1_1/metrics/abi.h the live header "
              "plus one minor (tests/abi_compat/README.md)");

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::mutex g_mutex;
std::vector<std::string> g_lines;

std::vector<std::string> take_lines() {
  std::lock_guard lock(g_mutex);
  return std::exchange(g_lines, {});
}

std::string dir() {
  return ABI_COMPAT_PLUGIN_DIR;
}

metrics::Config config_for(const std::string& backend, const std::string& options = "") {
  std::string text = "[metrics]\nbackend = \"" + backend + "\"\nplugin_path = [\"" + dir() +
                     "\"]\nprefix = \"app.\"\n";
  if (!options.empty()) text += "[metrics.options]\n" + options + "\n";
  return metrics::Config::from_string(text, "abi_compat.toml");
}

/// The calls every host-side test makes, one of each kind.
void emit_one_of_each(metrics::Client& client) {
  client.incr("c", 3, {.tags = {{"k", "v"}, {"n", 7}}});
  client.gauge("g", -2.5, {.instance = "i7"});
  client.timing("t", 12.75);
  client.distribution("d", 512, {.sample_rate = 1.0, .unit = "byte"});
  client.set("s", "alice");
}

/// The probe lines emit_one_of_each() gives a plugin that reports as `who` and sees a
/// sample struct of `size` bytes.
std::vector<std::string> one_of_each_lines(const std::string& who, size_t size,
                                           const std::string& suffix = "") {
  std::string s = " size=" + std::to_string(size);
  return {
      who + s + " kind=0 name=app.c value=3 rate=1 unit= instance= member= tags=k:v,n:7" + suffix,
      who + s + " kind=1 name=app.g value=-2.5 rate=1 unit= instance=i7 member= tags=" + suffix,
      who + s + " kind=2 name=app.t value=12.75 rate=1 unit= instance= member= tags=" + suffix,
      who + s + " kind=3 name=app.d value=512 rate=1 unit=byte instance= member= tags=" + suffix,
      who + s + " kind=4 name=app.s value=0 rate=1 unit= instance= member=alice tags=" + suffix,
  };
}

struct Run {
  int status = -1;
  std::vector<std::string> lines;
};

/// Runs the simulated 1.1 host on one plugin; its stdout, one entry per line.
Run run_host_1_1(const std::string& module, const std::string& klass) {
  std::string cmd = std::string("'") + ABI_COMPAT_HOST_1_1 + "' '" + dir() + "/" + module +
                    ".so' " + klass + " 2>&1";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[1024];
  while (std::fgets(buf, sizeof buf, p) != nullptr) {
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    r.lines.push_back(line);
  }
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

// The plugins find this with dlsym(RTLD_DEFAULT, ...); the executable exports it.
extern "C" __attribute__((visibility("default"))) void abi_compat_probe(const char* line) {
  std::lock_guard lock(g_mutex);
  g_lines.emplace_back(line);
}

TEST_CASE("a plugin compiled by clang++ loads into the gcc-built host and receives samples",
          "[abi][clang]") {
#if !ABI_COMPAT_HAVE_CLANG
  WARN("clang++ was not found when this build was configured; install Debian's clang");
  return;
#else
  // Really clang's output: its .comment section names the compiler.
  std::ifstream so(dir() + "/test.clangbuilt.so", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(so)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.find("clang version") != std::string::npos);
#ifdef __clang__
  FAIL("this test is meant to run in a host built by gcc");
#endif

  take_lines();
  {
    metrics::Client client(config_for(
        "test.clangbuilt.ClangBackend",
        "label = \"cl\"\nport = 9000\nratio = 0.75\nenabled = true\nhosts = [\"a\", \"b\"]\n"
        "tags = { team = \"x\" }\ntoken = \"s3cret\""));
    emit_one_of_each(client);
    client.event("deploy", "v2 is live",
                 {.tags = {{"team", "y"}}, .alert_type = metrics::AlertType::warning});
    CHECK(client.flush());
    CHECK(client.telemetry().get("clang.created") == 1);
  }
  auto lines = take_lines();
  REQUIRE(lines.size() >= 9);
  CHECK_THAT(lines[0], StartsWith("clang create compiler=clang"));
  CHECK_THAT(lines[0], Contains(" class=ClangBackend label=cl port=9000 ratio=0.750000 "
                                "enabled=true hosts=a|b| tags=team:x| token=s3cret"));
  auto expected = one_of_each_lines("cl", sizeof(metrics_sample_t));
  CHECK(std::vector<std::string>(lines.begin() + 1, lines.begin() + 6) == expected);
  CHECK(lines[6] == "clang event title=deploy text=v2 is live alert=1 tags=team:y,");
  CHECK(lines[7] == "clang flush");
  CHECK(lines.back() == "clang destroy");
#endif
}

TEST_CASE("a plugin built against the frozen 1.0 header loads in this host and reads every field",
          "[abi][compat]") {
  take_lines();
  {
    metrics::Client client(config_for("test.abi10.V10Backend", "label = \"mine\""));
    emit_one_of_each(client);
    CHECK(client.flush());
  }
  auto lines = take_lines();
  REQUIRE(lines.size() >= 8);  // the client's destructor flushes once more
  CHECK(lines[0] == "abi10 create args_size=" + std::to_string(sizeof(metrics_create_args_t)) +
                        " host_size=" + std::to_string(sizeof(metrics_host_api_t)) +
                        " options=1 label=mine");
  // The plugin reads the host's samples through its own (1.0) declaration; the size it
  // sees is the host's, and every 1.0 field is where it expects it.
  CHECK(std::vector<std::string>(lines.begin() + 1, lines.begin() + 6) ==
        one_of_each_lines("abi10", sizeof(metrics_sample_t)));
  CHECK(lines[6] == "abi10 flush");
  CHECK(lines.back() == "abi10 destroy");
}

TEST_CASE("a 1.0 plugin in a 1.1 host: bigger host structs, the plugin's missing entries absent",
          "[abi][compat]") {
  auto r = run_host_1_1("test.abi10", "V10Backend");
  INFO(join(r.lines));
  REQUIRE(r.status == 0);
  REQUIRE(r.lines.size() == 9);
  CHECK(r.lines[0] == "host 1.1 loaded test.abi10 1.0.0 abi=1.0");
  unsigned plugin_size = 0, host_size = 0;
  REQUIRE(std::sscanf(r.lines[1].c_str(), "host 1.1 vtable plugin_size=%u host_size=%u",
                      &plugin_size, &host_size) == 2);
  CHECK(plugin_size < host_size);
  CHECK_THAT(r.lines[1], Contains("event=absent emit_batch=absent"));
  CHECK_THAT(r.lines[2], StartsWith("abi10 create") && Contains("options=1 label=v10"));
  unsigned sample_size = 0;
  REQUIRE(std::sscanf(r.lines[3].c_str(), "host 1.1 sample_size=%u", &sample_size) == 1);
  CHECK(sample_size > sizeof(metrics_sample_t));  // bigger than anything 1.0 knows
  std::string s = " size=" + std::to_string(sample_size);
  // No emit_batch in the plugin's table: the host falls back to one emit per sample.
  CHECK(r.lines[4] == "abi10" + s +
                          " kind=0 name=sim.count value=2 rate=0.5 unit= instance= member= "
                          "tags=env:prod,zone:b");
  CHECK(r.lines[5] == "abi10" + s +
                          " kind=3 name=sim.size value=640 rate=1 unit=byte instance= member= "
                          "tags=env:prod");
  CHECK(r.lines[6] == "abi10 flush");
  CHECK(r.lines[7] == "abi10 destroy");
  CHECK(r.lines[8] == "host 1.1 done");
}

TEST_CASE("a 1.1 plugin is accepted by this 1.0 host, its table's tail ignored, samples delivered",
          "[abi][compat]") {
  // A real load reports the module's own version.
  auto modules = metrics::inspect::list_modules(config_for("test.abi11.V11Backend"));
  auto it = std::find_if(modules.begin(), modules.end(),
                         [](const auto& m) { return m.name == "test.abi11"; });
  REQUIRE(it != modules.end());
  CHECK(it->error.empty());
  CHECK(it->abi_major == 1);
  CHECK(it->abi_minor == 1);

  take_lines();
  {
    metrics::Client client(config_for("test.abi11.V11Backend"));
    emit_one_of_each(client);
    CHECK(client.flush());
    CHECK(client.telemetry().emitted == 5);
  }
  auto lines = take_lines();
  INFO(join(lines));
  REQUIRE(lines.size() >= 8);  // the client's destructor flushes once more
  CHECK(lines[0] == "abi11 create args_size=" + std::to_string(sizeof(metrics_create_args_t)) +
                        " host_size=" + std::to_string(sizeof(metrics_host_api_t)) +
                        " options=1 label=v11");
  // 1.0 samples: the plugin sees this host's struct_size and reads `origin` as absent;
  // this host knows no emit_batch and calls emit.
  CHECK(std::vector<std::string>(lines.begin() + 1, lines.begin() + 6) ==
        one_of_each_lines("abi11", sizeof(metrics_sample_t), " origin=<absent>"));
  CHECK(lines[6] == "abi11 flush");
  CHECK(lines.back() == "abi11 destroy");
}

TEST_CASE("a 1.1 plugin in the 1.1 host gets the new field and the new entry (fixture check)",
          "[abi][compat]") {
  auto r = run_host_1_1("test.abi11", "V11Backend");
  INFO(join(r.lines));
  REQUIRE(r.status == 0);
  REQUIRE(r.lines.size() == 9);
  CHECK(r.lines[0] == "host 1.1 loaded test.abi11 1.1.0 abi=1.1");
  CHECK_THAT(r.lines[1], Contains("event=absent emit_batch=present"));
  unsigned sample_size = 0;
  REQUIRE(std::sscanf(r.lines[3].c_str(), "host 1.1 sample_size=%u", &sample_size) == 1);
  std::string s = " size=" + std::to_string(sample_size);
  CHECK(r.lines[4] == "abi11 batch" + s +
                          " kind=0 name=sim.count value=2 rate=0.5 unit= instance= member= "
                          "tags=env:prod,zone:b origin=sim-host");
  CHECK(r.lines[5] == "abi11 batch" + s +
                          " kind=3 name=sim.size value=640 rate=1 unit=byte instance= member= "
                          "tags=env:prod origin=sim-host");
}
