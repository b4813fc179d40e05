// The caller's cost of incr with two tags through metrics::Client (the framework's whole
// call path: sampling, tag merge and filter, the C ABI) into metrics.datadog.
#include <benchmark/benchmark.h>
#include <metrics/metrics.hpp>

#include <memory>

namespace {

std::unique_ptr<metrics::Client> g_client;

void BM_ClientCounterTwoTags(benchmark::State& state) {
  if (state.thread_index() == 0)
    g_client = std::make_unique<metrics::Client>(
        metrics::Config::from_string("[metrics]\n"
                                     "backend = \"metrics.datadog.DatadogMetricsBackend\"\n"
                                     "[metrics.options]\n"
                                     "api_key = \"bench-key\"\n"
                                     "url = \"https://127.0.0.1:9\"\n"
                                     "flush_interval_s = 3600\n"
                                     "max_buffer_points = 10000000\n"
                                     "shutdown_timeout_s = 0\n",
                                     "bench.toml"));
  for (auto _ : state)
    g_client->incr("bench.requests", 1, {.tags = {{"endpoint", "/api/users"}, {"status", 200}}});
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) g_client.reset();
}
BENCHMARK(BM_ClientCounterTwoTags)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
