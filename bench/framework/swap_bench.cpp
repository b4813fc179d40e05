// The swappable slot: what a read section costs, and how slow calls get while another
// thread swaps backends without pause.
#include <benchmark/benchmark.h>

#include <metrics/metrics.hpp>

#include "read_section.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace {

// The slot alone: open a read section, load the published pointer, close it.
void BM_slot_read_section(benchmark::State& state) {
  static std::atomic<int*> published{new int(1)};
  metrics::detail::ThreadRecord* record = metrics::detail::current_thread_record();
  for (auto _ : state) {
    metrics::detail::ReadSection section(record);
    benchmark::DoNotOptimize(*published.load(std::memory_order_acquire));
  }
}
BENCHMARK(BM_slot_read_section)->ThreadRange(1, 2)->UseRealTime();

// The same load without a read section: the baseline the slot is compared with.
void BM_slot_plain_load(benchmark::State& state) {
  static std::atomic<int*> published{new int(1)};
  for (auto _ : state) benchmark::DoNotOptimize(*published.load(std::memory_order_acquire));
}
BENCHMARK(BM_slot_plain_load)->ThreadRange(1, 2)->UseRealTime();

metrics::Config dummy_config(int variant) {
  // Configs that differ, so every apply builds and publishes a new pipeline.
  return metrics::Config::from_string(
      "[metrics]\nbackend = \"metrics.dummy.DummyMetricsBackend\"\n"
      "[metrics.tags]\nvariant = \"" +
          std::to_string(variant) + "\"\n",
      "swap-bench.toml");
}

// One emitting thread per core while a swapper thread applies a new config in a loop.
// Reports the call latency percentiles seen by the emitting threads.
void BM_call_latency_during_swaps(benchmark::State& state) {
  metrics::Client client(dummy_config(0));
  const int writers = static_cast<int>(std::thread::hardware_concurrency());
  for (auto _ : state) {
    std::atomic<bool> stop{false};
    std::atomic<int64_t> swaps{0};
    std::thread swapper([&] {
      for (int i = 1; !stop.load(std::memory_order_relaxed); ++i) {
        client.apply(dummy_config(i));
        swaps.fetch_add(1, std::memory_order_relaxed);
      }
    });
    std::vector<std::vector<int64_t>> samples(writers);
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
      threads.emplace_back([&, w] {
        auto& mine = samples[w];
        mine.reserve(2'000'000);
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (std::chrono::steady_clock::now() < end) {
          auto t0 = std::chrono::steady_clock::now();
          client.incr("swapped", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
          auto t1 = std::chrono::steady_clock::now();
          mine.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
        }
      });
    for (auto& t : threads) t.join();
    stop = true;
    swapper.join();
    std::vector<int64_t> all;
    for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) {
      return static_cast<double>(all[static_cast<size_t>(p * (all.size() - 1))]);
    };
    state.counters["calls"] = static_cast<double>(all.size());
    state.counters["swaps"] = static_cast<double>(swaps.load());
    state.counters["p50_ns"] = pct(0.5);
    state.counters["p99_ns"] = pct(0.99);
    state.counters["p99.9_ns"] = pct(0.999);
    state.counters["max_ns"] = static_cast<double>(all.back());
  }
}
BENCHMARK(BM_call_latency_during_swaps)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
