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
// Not inlined: GCC 12 would otherwise see free() meet memory from operator new in an
// inlined std::string destructor and warn (-Wmismatched-new-delete), wrongly here.
[[gnu::noinline]] void operator delete(void* p) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
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

TEST_CASE("a bound metric's calls allocate nothing, scoped or not", "[allocation]") {
  metrics::Client c(metrics::Config::from_string(
      "[metrics]\nbackend = \"metrics.dummy.DummyMetricsBackend\"\nprefix = \"app.\"\n"
      "[metrics.tags]\nenv = \"prod\"\n",
      "alloc.toml"));
  const auto bound = c.bind("requests", {.tags = {{"a", "1"}, {"b", 2}, {"c", 3.5}}});
  const auto sampled = c.bind("sampled", {.sample_rate = 0.5});
  bound.incr();  // the thread's first call registers it
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 1000; ++i) {
    bound.incr();
    bound.gauge(i);
    sampled.timing(1.5);
  }
  {
    metrics::ScopedTags scope({{"task", "alloc"}});  // counted: it allocates, once made
    const long before_calls = g_allocations.load();
    for (int i = 0; i < 1000; ++i) bound.distribution(i);
    CHECK(g_allocations.load() == before_calls);
  }
  g_counting = false;
  CHECK(g_allocations.load() <= 3);  // the scope's frame, its tags and their merged views
  CHECK(c.telemetry().calls == 4001);
  CHECK(c.telemetry().get("calls.general_path") == 0);  // scoped calls go direct too
}

TEST_CASE("timers and wrapped calls with a few tags allocate nothing", "[allocation]") {
  metrics::Client c;
  auto wrapped = metrics::wraps(c, "wrapped", [](int x) { return x + 1; }, {{"kind", "batch"}});
  { auto warm_up = c.timer("warm-up"); }
  g_allocations = 0;
  g_counting = true;
  int x = 0;
  for (int i = 0; i < 1000; ++i) {
    auto t = c.timer("db.query", {{"table", "users"}, {"op", "select"}},
                     {.tags = {{"shard", 3}}, .instance = "replica-1"});
    t.add_tag("rows", i);
    t.add_tag("cached", false);
    x = wrapped(x);
  }
  g_counting = false;
  CHECK(g_allocations.load() == 0);
  CHECK(x == 1000);
  CHECK(c.telemetry().calls == 2001);
}
