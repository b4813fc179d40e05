// metrics.datadog benchmarks:
//   BM_CounterTwoTags       the caller's cost of incr with two tags, through the module's C
//                           vtable (dlopen'd from the build tree), single-threaded and with
//                           2 threads (the machine has 2 cores);
//   BM_Flush100kSeries      one flush of 100,000 series: take the interval, encode JSON,
//                           cut into requests and gzip them (what the sender thread does
//                           before the network).
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <metrics/abi.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aggregator.hpp"
#include "batcher.hpp"
#include "payload.hpp"

namespace {

metrics_str_t str(std::string_view s) {
  return {s.data(), s.size()};
}

const metrics_backend_class_t& datadog_class() {
  static const metrics_backend_class_t* klass = [] {
    std::string path = std::string(METRICS_BENCH_PLUGIN_DIR) + "/metrics.datadog.so";
    void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      std::fprintf(stderr, "dlopen %s: %s\n", path.c_str(), ::dlerror());
      std::abort();
    }
    auto entry =
        reinterpret_cast<metrics_module_entry_fn>(::dlsym(lib, METRICS_MODULE_ENTRY_SYMBOL));
    auto* module = entry(METRICS_ABI_MAJOR, METRICS_ABI_MINOR);
    for (size_t i = 0; i < module->class_count; ++i)
      if (std::string_view(module->classes[i]->name) == "DatadogMetricsBackend")
        return module->classes[i];
    std::abort();
  }();
  return *klass;
}

// One instance whose sender never sends during the run (a one-hour interval, an address
// where nothing listens): the benchmark measures the caller's side only.
struct Instance {
  std::vector<metrics_option_value_t> values;
  std::vector<const metrics_option_value_t*> pointers;
  metrics_host_api_t host{sizeof(metrics_host_api_t), 0, nullptr, nullptr, nullptr};
  void* instance = nullptr;

  Instance() {
    const auto& k = datadog_class();
    values.resize(k.option_count);
    for (size_t i = 0; i < k.option_count; ++i) {
      const metrics_option_spec_t& spec = *k.options[i];
      metrics_option_value_t& v = values[i];
      v.struct_size = sizeof(v);
      v.type = spec.type;
      v.name = str(spec.name);
      std::string_view name = spec.name;
      if (name == "api_key") {
        v.is_set = 1;
        v.string_value = str("bench-key");
      } else if (name == "url") {
        v.is_set = 1;
        v.string_value = str("https://127.0.0.1:9");
      } else if (name == "flush_interval_s") {
        v.is_set = 1;
        v.float_value = 3600;
      } else if (name == "max_buffer_points") {
        v.is_set = 1;
        v.int_value = 10'000'000;
      } else if (spec.default_value != nullptr && spec.type == METRICS_OPTION_STRING) {
        v.is_set = 1;
        v.string_value = str(spec.default_value);
      } else if (spec.default_value != nullptr && spec.type == METRICS_OPTION_INT) {
        v.is_set = 1;
        v.int_value = std::atoll(spec.default_value);
      } else if (spec.default_value != nullptr && spec.type == METRICS_OPTION_FLOAT) {
        v.is_set = 1;
        v.float_value = std::atof(spec.default_value);
      }
    }
    for (auto& v : values) pointers.push_back(&v);
    metrics_create_args_t args{};
    args.struct_size = sizeof(args);
    args.class_name = str(k.name);
    args.options = pointers.data();
    args.option_count = pointers.size();
    args.host = &host;
    char error[256];
    if (k.vtable->create(&args, &instance, error, sizeof(error)) != METRICS_OK) {
      std::fprintf(stderr, "create: %s\n", error);
      std::abort();
    }
  }
  ~Instance() { datadog_class().vtable->destroy(instance); }
};

Instance* g_instance = nullptr;

void BM_CounterTwoTags(benchmark::State& state) {
  if (state.thread_index() == 0) g_instance = new Instance();
  const auto emit = datadog_class().vtable->emit;
  // Each thread its own series, as different call sites would be.
  const std::string name = "bench.requests." + std::to_string(state.thread_index());
  metrics_tag_t tags[2] = {{str("endpoint"), str("/api/users")}, {str("status"), str("200")}};
  metrics_sample_t s{};
  s.struct_size = sizeof(s);
  s.kind = METRICS_KIND_COUNTER;
  s.name = str(name);
  s.value = 1;
  s.sample_rate = 1;
  s.tags = tags;
  s.tag_count = 2;
  for (auto _ : state) benchmark::DoNotOptimize(emit(g_instance->instance, &s));
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    delete g_instance;
    g_instance = nullptr;
  }
}
BENCHMARK(BM_CounterTwoTags)->Threads(1)->Threads(2)->UseRealTime();

void BM_Flush100kSeries(benchmark::State& state) {
  using namespace metrics::datadog;
  constexpr int kSeries = 100'000;
  std::vector<std::string> names;
  for (int i = 0; i < kSeries; ++i) names.push_back("app.requests.series." + std::to_string(i));
  metrics_tag_t tags[2] = {{str("endpoint"), str("/api/users")}, {str("region"), str("eu-west-1")}};
  EncodeEnv env;
  env.host = "bench-host";
  env.constant_tags = {{"service", "bench"}};
  env.interval_s = 10;
  size_t requests = 0, compressed = 0, uncompressed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Aggregator agg(10'000'000);
    for (int i = 0; i < kSeries; ++i) {
      metrics_sample_t s{};
      s.struct_size = sizeof(s);
      s.kind = METRICS_KIND_COUNTER;
      s.name = str(names[i]);
      s.value = i;
      s.sample_rate = 1;
      s.tags = tags;
      s.tag_count = 2;
      agg.add(metrics::sdk::Sample(s));
    }
    state.ResumeTiming();

    auto contexts = agg.take();
    auto enc = encode_interval(contexts, env, 1'700'000'000);
    std::deque<Item> queue(std::make_move_iterator(enc.series.begin()),
                           std::make_move_iterator(enc.series.end()));
    requests = compressed = uncompressed = 0;
    for (size_t first = 0; first < queue.size();) {
      Batch b = make_batch(queue, first, BatchLimits{}, Compression::gzip);
      first += b.count;
      ++requests;
      compressed += b.body.size();
      uncompressed += b.uncompressed_size;
      benchmark::DoNotOptimize(b.body.data());
    }
  }
  state.counters["requests"] = static_cast<double>(requests);
  state.counters["MB_json"] = static_cast<double>(uncompressed) / 1e6;
  state.counters["MB_gzip"] = static_cast<double>(compressed) / 1e6;
}
BENCHMARK(BM_Flush100kSeries)->Unit(benchmark::kMillisecond)->Iterations(10);

}  // namespace

BENCHMARK_MAIN();
