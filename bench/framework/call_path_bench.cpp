// The cost of a metric call through the front-end and the C ABI into the dummy backend,
// and of the swappable slot compared with calling the plugin's emit directly.
#include <benchmark/benchmark.h>

#include <metrics/abi.h>
#include <metrics/metrics.hpp>

#include <dlfcn.h>

#include "bench_clients.hpp"

#include <algorithm>
#include <vector>

#include <stdexcept>
#include <string>

void metrics_bench_call_sink(std::string_view, double, const metrics::CallOptions&) noexcept;

namespace {

using metrics::bench::dummy_client;
using metrics::bench::prefixed_client;

void BM_incr_two_tags(benchmark::State& state) {
  auto& c = dummy_client();
  for (auto _ : state) c.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
}
BENCHMARK(BM_incr_two_tags)->ThreadRange(1, 2)->UseRealTime();

// The same arguments passed to an empty function in a shared library: the part of every
// figure above that the caller pays before the framework runs (mostly stores: two tags and
// the options are about twenty of them).
void BM_call_arguments_only(benchmark::State& state) {
  for (auto _ : state)
    metrics_bench_call_sink("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
}
BENCHMARK(BM_call_arguments_only);

void BM_call_arguments_only_with_rate(benchmark::State& state) {
  for (auto _ : state)
    metrics_bench_call_sink(
        "requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}, .sample_rate = 1e-12});
}
BENCHMARK(BM_call_arguments_only_with_rate);

void BM_incr_two_tags_int_value(benchmark::State& state) {
  auto& c = dummy_client();
  for (auto _ : state) c.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", 200}}});
}
BENCHMARK(BM_incr_two_tags_int_value);

void BM_incr_no_tags(benchmark::State& state) {
  auto& c = dummy_client();
  for (auto _ : state) c.incr("requests");
}
BENCHMARK(BM_incr_no_tags);

void BM_incr_sampled_out(benchmark::State& state) {
  auto& c = dummy_client();
  // A rate this small keeps (almost) nothing: the cost of deciding to drop.
  for (auto _ : state)
    c.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}, .sample_rate = 1e-12});
}
BENCHMARK(BM_incr_sampled_out);

// The same call on a BoundMetric: key, tags and options fixed once, the value per call.
void BM_bound_incr_two_tags(benchmark::State& state) {
  static const metrics::BoundMetric requests =
      dummy_client().bind("requests", {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
  for (auto _ : state) requests.incr();
}
BENCHMARK(BM_bound_incr_two_tags)->ThreadRange(1, 2)->UseRealTime();

void BM_bound_incr_sampled_out(benchmark::State& state) {
  static const metrics::BoundMetric requests = dummy_client().bind(
      "requests", {.tags = {{"endpoint", "/api"}, {"status", "ok"}}, .sample_rate = 1e-12});
  for (auto _ : state) requests.incr();
}
BENCHMARK(BM_bound_incr_sampled_out);

// The two-tag call under a typical production config: a prefix and two config tags, so
// that the tags are merged and the name joined on every call.
void BM_incr_two_tags_with_config_tags_and_prefix(benchmark::State& state) {
  auto& c = prefixed_client();
  for (auto _ : state) c.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
}
BENCHMARK(BM_incr_two_tags_with_config_tags_and_prefix);

// The two-tag call inside a ScopedTags frame, which the general path merges.
void BM_incr_two_tags_in_a_tag_scope(benchmark::State& state) {
  auto& c = dummy_client();
  metrics::ScopedTags scope({{"task", "reindex"}});
  for (auto _ : state) c.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
}
BENCHMARK(BM_incr_two_tags_in_a_tag_scope);

void BM_incr_eight_tags_with_config_tags_and_prefix(benchmark::State& state) {
  auto& c = prefixed_client();
  for (auto _ : state)
    c.incr("requests", 1,
           {.tags = {{"a", "1"},
                     {"b", 2},
                     {"c", "3"},
                     {"d", true},
                     {"e", "5"},
                     {"f", "6"},
                     {"g", "7"},
                     {"h", "8"}}});
}
BENCHMARK(BM_incr_eight_tags_with_config_tags_and_prefix);

// The floor: the dummy plugin's emit called straight through its C table with a sample
// prepared once. The difference to BM_incr_two_tags is the whole front-end and slot.
// (Building the sample inside the loop from constants measures GCC's choice to clear the
// struct with `rep stos` first, about 3.5 ns here, which the framework's path never does.)
void BM_direct_abi_emit(benchmark::State& state) {
  std::string path = std::string(METRICS_BENCH_PLUGIN_DIR) + "/metrics.dummy.so";
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) throw std::runtime_error(dlerror());
  auto entry = reinterpret_cast<metrics_module_entry_fn>(dlsym(lib, METRICS_MODULE_ENTRY_SYMBOL));
  const metrics_backend_vtable_t* vt =
      entry(METRICS_ABI_MAJOR, METRICS_ABI_MINOR)->classes[0]->vtable;
  void* instance = nullptr;
  char error[64];
  vt->create(nullptr, &instance, error, sizeof(error));
  metrics_tag_t tags[2] = {{{"endpoint", 8}, {"/api", 4}}, {{"status", 6}, {"ok", 2}}};
  metrics_sample_t s{sizeof(metrics_sample_t),
                     METRICS_KIND_COUNTER,
                     {"requests", 8},
                     1.0,
                     1.0,
                     {nullptr, 0},
                     {nullptr, 0},
                     tags,
                     2,
                     {nullptr, 0},
                     0};
  for (auto _ : state) {
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(vt->emit(instance, &s));
  }
  vt->destroy(instance);
}
BENCHMARK(BM_direct_abi_emit);
BENCHMARK(BM_direct_abi_emit)
    ->Name("BM_burst_direct_abi_emit")
    ->Iterations(1000)
    ->Repetitions(3000)
    ->ComputeStatistics("min",
                        [](const std::vector<double>& v) {
                          return *std::min_element(v.begin(), v.end());
                        })
    ->ReportAggregatesOnly(true);

}  // namespace

// The same calls measured as the fastest of many short bursts (1000 calls each): on a
// shared, loaded machine the minimum approximates an idle core, where the mean does not.
namespace {
double min_of(const std::vector<double>& v) {
  return *std::min_element(v.begin(), v.end());
}

void BM_burst_incr_two_tags(benchmark::State& state) {
  auto& c = dummy_client();
  for (auto _ : state) c.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
}
BENCHMARK(BM_burst_incr_two_tags)
    ->Iterations(1000)
    ->Repetitions(3000)
    ->ComputeStatistics("min", min_of)
    ->ReportAggregatesOnly(true);

void BM_burst_incr_sampled_out(benchmark::State& state) {
  auto& c = dummy_client();
  for (auto _ : state)
    c.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}, .sample_rate = 1e-12});
}
BENCHMARK(BM_burst_incr_sampled_out)
    ->Iterations(1000)
    ->Repetitions(3000)
    ->ComputeStatistics("min", min_of)
    ->ReportAggregatesOnly(true);
}  // namespace

BENCHMARK_MAIN();
