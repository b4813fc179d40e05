// The call path allocates nothing in steady state: global operator new is replaced in this
// test program (and so in the modules it loads), counting on the calling thread only.
#include "support/module_harness.hpp"
#include "support/receivers.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <new>

namespace {
thread_local bool t_counting = false;
thread_local long t_allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
  if (t_counting) ++t_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

using namespace statsd_test;

namespace {

// The sample of incr("http.requests", 1, {{"endpoint", "/api"}, {"status", "200"}}), built
// without allocating.
struct RawIncr {
  metrics_tag_t tags[2] = {{{"endpoint", 8}, {"/api", 4}}, {{"status", 6}, {"200", 3}}};
  metrics_sample_t raw{};
  RawIncr() {
    raw.struct_size = sizeof raw;
    raw.kind = METRICS_KIND_COUNTER;
    raw.name = {"http.requests", 13};
    raw.value = 1;
    raw.sample_rate = 1;
    raw.tags = tags;
    raw.tag_count = 2;
  }
};

long allocations_during(const std::function<void()>& fn) {
  t_allocations = 0;
  t_counting = true;
  fn();
  t_counting = false;
  return t_allocations;
}

}  // namespace

TEST_CASE("a steady aggregated incr allocates nothing, across flushes", "[dogstatsd][alloc]") {
  Module module(plugin_file("metrics.dogstatsd"));
  const auto& k = module.klass("DogStatsdMetricsBackend");
  UdpReceiver rx;
  Instance b(k, {{"host", rx.host()}, {"port", rx.iport()}, {"telemetry", false}});
  RawIncr s;
  for (int i = 0; i < 100; ++i) k.vtable->emit(b.raw(), &s.raw);  // the context is made
  b.flush();
  long n = allocations_during([&] {
    for (int round = 0; round < 5; ++round) {
      for (int i = 0; i < 10000; ++i) REQUIRE(k.vtable->emit(b.raw(), &s.raw) == METRICS_OK);
    }
  });
  CHECK(n == 0);
  b.flush();
  n = allocations_during([&] {
    for (int i = 0; i < 10000; ++i) k.vtable->emit(b.raw(), &s.raw);
  });
  CHECK(n == 0);  // still known after the flush: not made again
  REQUIRE(b.flush() == METRICS_OK);
  auto lines = rx.receive_lines(2);
  CHECK(lines == std::vector<std::string>{"http.requests:100|c|#endpoint:/api,status:200",
                                          "http.requests:50000|c|#endpoint:/api,status:200"});
}

TEST_CASE("an unaggregated line allocates nothing once the thread's buffers exist",
          "[statsd][alloc]") {
  Module module(plugin_file("metrics.statsd"));
  const auto& k = module.klass("StatsdMetricsBackend");
  UdpReceiver rx;
  Instance b(k,
             {{"host", rx.host()}, {"port", rx.iport()}, {"tag_format", std::string("dogstatsd")}});
  RawIncr s;
  // Fewer lines than fill one datagram: the shard's own buffer takes them all.
  long n = allocations_during([&] {
    for (int i = 0; i < 20; ++i) REQUIRE(k.vtable->emit(b.raw(), &s.raw) == METRICS_OK);
  });
  CHECK(n == 0);
  REQUIRE(b.flush() == METRICS_OK);
  CHECK(rx.receive_lines(20).size() == 20);
}
