// An experiment, not the framework's call path: what the keyword call
// `incr("requests", 1, {.tags = {...}})` would cost if its direct path were written inline
// in the application, as a header-only fast path would be. It uses the framework's own
// thread record, read section, sampling generator, telemetry counters, bad-tag rule and
// Tag layout, and the real dummy plugin's emit; the one stand-in is InlineView, the part
// of a pipeline such a header would have to read (the backend's emit, and whether calls
// may pass as they are: no base tags, no prefix, no config rate). Any call it does not
// take goes to the real Client.
//
// Compare with BM_incr_two_tags and BM_incr_sampled_out: the difference is the library
// call, the options written to memory for it, and the out-of-line frame. The price of
// shipping it is in docs/benchmarks.md ("Against the issues' targets").
#include <benchmark/benchmark.h>

#include <metrics/abi.h>
#include <metrics/metrics.hpp>

#include "bad_tags.hpp"
#include "call_path.hpp"
#include "read_section.hpp"
#include "telemetry_store.hpp"

#include <dlfcn.h>

#include <atomic>
#include <stdexcept>
#include <string>

namespace {

using metrics::detail::ThreadRecord;

struct InlineView {
  int32_t (*emit)(void*, const metrics_sample_t*) = nullptr;
  void* instance = nullptr;
  bool as_is = false;  ///< one backend, no base tags, no prefix, no config rate
};

struct InlineClient {
  std::atomic<const InlineView*> view{nullptr};
  metrics::detail::TelemetryStore telemetry;
  metrics::Client* fallback = nullptr;
};

InlineView dummy_view() {
  const std::string path = std::string(METRICS_BENCH_PLUGIN_DIR) + "/metrics.dummy.so";
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) throw std::runtime_error(dlerror());
  auto entry = reinterpret_cast<metrics_module_entry_fn>(dlsym(lib, METRICS_MODULE_ENTRY_SYMBOL));
  const metrics_backend_vtable_t* vt =
      entry(METRICS_ABI_MAJOR, METRICS_ABI_MINOR)->classes[0]->vtable;
  InlineView v;
  char error[64];
  if (vt->create(nullptr, &v.instance, error, sizeof(error)) != METRICS_OK)
    throw std::runtime_error(error);
  v.emit = vt->emit;
  v.as_is = true;
  return v;
}

// The options as scalars, rebuilt only on this cold path: a reference to the caller's
// CallOptions would make the compiler write them to memory on every call.
[[gnu::noinline, gnu::cold]] void library_incr(InlineClient& c, std::string_view key, double value,
                                               metrics::TagList tags, std::string_view instance,
                                               std::optional<double> rate, std::string_view unit,
                                               bool skip) noexcept {
  c.fallback->incr(key, value,
                   {.tags = tags,
                    .instance = instance,
                    .sample_rate = rate,
                    .unit = unit,
                    .skip_internal = skip});
}

[[gnu::always_inline]] inline bool tags_as_they_are(metrics::TagList tags) noexcept {
  const metrics::Tag* in = tags.begin();
  for (size_t i = 0; i < tags.size(); ++i) {
    if (!(in[i].value().type() == metrics::TagValue::Type::string) ||
        metrics::detail::has_bad_tag_shape(in[i].key()))
      return false;
    for (size_t j = 0; j < i; ++j)
      if (in[j].key() == in[i].key()) return false;
  }
  return true;
}

[[gnu::always_inline]] inline void incr_inline(InlineClient& c, std::string_view key, double value,
                                               const metrics::CallOptions& o) noexcept {
  using namespace metrics::detail;
  ThreadRecord* record = current_thread_record();
  double rate = 1.0;
  if (o.sample_rate) [[unlikely]] {
    if (!keep_sample(record, *o.sample_rate)) {
      bump(c.telemetry.counters_for(record).sampled_out);
      return;
    }
    rate = std::min(*o.sample_rate, 1.0);
  }
  bool done = false;
  {
    ReadSection section(record);
    const InlineView* v = c.view.load(std::memory_order_acquire);
    if (v->as_is && record->scopes == nullptr && tags_as_they_are(o.tags)) [[likely]] {
      metrics_sample_t sample;
      sample.struct_size = sizeof(sample);
      sample.kind = METRICS_KIND_COUNTER;
      sample.name = {key.data(), key.size()};
      sample.value = value;
      sample.sample_rate = rate;
      sample.unit = {o.unit.data(), o.unit.size()};
      sample.instance = {o.instance.data(), o.instance.size()};
      sample.tags = reinterpret_cast<const metrics_tag_t*>(o.tags.begin());
      sample.tag_count = o.tags.size();
      sample.set_member = {nullptr, 0};
      sample.timestamp_unix_ns = 0;
      if (v->emit(v->instance, &sample) == METRICS_OK) [[likely]]
        bump(c.telemetry.counters_for(record).direct);
      done = true;
    }
  }
  if (!done) [[unlikely]]
    library_incr(c, key, value, o.tags, o.instance, o.sample_rate, o.unit, o.skip_internal);
}

InlineClient& inline_client() {
  static metrics::Client fallback;
  static InlineView view = dummy_view();
  static InlineClient c;
  c.fallback = &fallback;
  c.view.store(&view);
  return c;
}

void BM_inline_prototype_incr_two_tags(benchmark::State& state) {
  InlineClient& c = inline_client();
  const int64_t before = c.telemetry.snapshot().emitted;
  for (auto _ : state)
    incr_inline(c, "requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
  if (c.telemetry.snapshot().emitted - before != static_cast<int64_t>(state.iterations()))
    state.SkipWithError("calls took the library's path");
}
BENCHMARK(BM_inline_prototype_incr_two_tags);

void BM_inline_prototype_incr_sampled_out(benchmark::State& state) {
  InlineClient& c = inline_client();
  for (auto _ : state)
    incr_inline(c, "requests", 1,
                {.tags = {{"endpoint", "/api"}, {"status", "ok"}}, .sample_rate = 1e-12});
}
BENCHMARK(BM_inline_prototype_incr_sampled_out);

}  // namespace
