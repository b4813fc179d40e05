// Timers and wrapped functions (Sentry's `timer` and `wraps`) into the dummy backend: the
// clock reads, the tags a timer keeps until it ends, and the timing call it makes.
#include <benchmark/benchmark.h>

#include <metrics/metrics.hpp>

#include "bench_clients.hpp"

namespace {

using metrics::bench::dummy_client;

void BM_timer_two_tags(benchmark::State& state) {
  auto& c = dummy_client();
  for (auto _ : state) {
    auto t = c.timer("db.query", {{"table", "users"}, {"op", "select"}});
  }
}
BENCHMARK(BM_timer_two_tags);

// A tag added while the timer runs, as Sentry's `with timer(...) as tags` allows.
void BM_timer_two_tags_and_one_added(benchmark::State& state) {
  auto& c = dummy_client();
  for (auto _ : state) {
    auto t = c.timer("db.query", {{"table", "users"}, {"op", "select"}});
    t.add_tag("rows", 12);
  }
}
BENCHMARK(BM_timer_two_tags_and_one_added);

void BM_wraps_two_tags(benchmark::State& state) {
  auto fn = metrics::wraps(dummy_client(), "work", [](int x) { return x + 1; },
                           {{"kind", "batch"}, {"queue", "q1"}});
  int x = 0;
  for (auto _ : state) benchmark::DoNotOptimize(x = fn(x));
}
BENCHMARK(BM_wraps_two_tags);

}  // namespace
