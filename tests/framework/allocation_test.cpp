// A metric call with up to 8 tags allocates nothing: counted with a replaced operator new.
#include <catch2/catch.hpp>

#include <metrics/metrics.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> g_allocations{0};
std::atomic<bool> g_counting{false};
}  // namespace

void* operator new(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed))
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

TEST_CASE("a metric call with eight tags allocates nothing", "[allocation]") {
  metrics::Client c(metrics::Config::from_string(
      "[metrics]\nbackend = \"metrics.dummy.DummyMetricsBackend\"\nprefix = \"app.\"\n"
      "[metrics.tags]\nenv = \"prod\"\n",
      "alloc.toml"));
  metrics::ScopedTags scope({{"task", "alloc"}});
  c.incr("warm-up");  // the thread's first call registers it
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 1000; ++i) {
    c.incr("requests", 1,
           {.tags = {{"a", "1"},
                     {"b", 2},
                     {"c", 3.5},
                     {"d", true},
                     {"e", "5"},
                     {"f", 6u},
                     {"g", "7"},
                     {"h", "8"}}});
    c.gauge("level", i, {.tags = {{"a", "1"}}, .instance = "x"});
    c.timing("t", 1.5, {.sample_rate = 0.5});
    c.distribution("d", 2, {.unit = "byte"});
    c.set("s", "member");
  }
  g_counting = false;
  CHECK(g_allocations.load() == 0);
  CHECK(c.telemetry().calls == 5001);
}
