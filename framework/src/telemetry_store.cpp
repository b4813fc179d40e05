#include "telemetry_store.hpp"

namespace metrics::detail {

TelemetryStore::~TelemetryStore() {
  for (auto& c : chunks_) delete[] c.load(std::memory_order_acquire);
}

HotCounters* TelemetryStore::allocate(uint32_t chunk) noexcept {
  auto* fresh = new (std::nothrow) HotCounters[kChunk];
  if (fresh == nullptr) return nullptr;
  HotCounters* expected = nullptr;
  if (chunks_[chunk].compare_exchange_strong(expected, fresh, std::memory_order_acq_rel))
    return fresh;
  delete[] fresh;
  return expected;
}

uint64_t TelemetryStore::next_id() noexcept {
  static std::atomic<uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

HotCounters& TelemetryStore::attach(ThreadRecord* r) noexcept {
  HotCounters& c = shard(r->index);
  r->counters = &c;
  r->counters_store_id = id_;
  return c;
}

HotCounters& TelemetryStore::overflow_shard(uint32_t) noexcept {
  return overflow_;
}

void TelemetryStore::add(std::string_view name, int64_t delta) noexcept {
  try {
    std::lock_guard lock(named_mutex_);
    auto it = named_.find(name);
    if (it == named_.end()) it = named_.emplace(std::string(name), 0).first;
    it->second += delta;
  } catch (...) {
  }
}

Telemetry TelemetryStore::snapshot() const {
  Telemetry t;
  int64_t direct_path = 0;
  int64_t general_path = 0;
  auto sum = [&](const HotCounters& h) {
    const int64_t direct = h.direct.load(std::memory_order_relaxed);
    const int64_t direct_failed = h.direct_failed.load(std::memory_order_relaxed);
    const int64_t sampled_out = h.sampled_out.load(std::memory_order_relaxed);
    const int64_t general = h.general.load(std::memory_order_relaxed);
    direct_path += direct + direct_failed;
    general_path += general;
    t.calls += direct + direct_failed + sampled_out + general;
    t.sampled_out += sampled_out;
    t.emitted += direct + h.general_emits.load(std::memory_order_relaxed);
  };
  for (const auto& c : chunks_) {
    const HotCounters* chunk = c.load(std::memory_order_acquire);
    if (chunk == nullptr) continue;
    for (uint32_t i = 0; i < kChunk; ++i) sum(chunk[i]);
  }
  sum(overflow_);
  {
    std::lock_guard lock(named_mutex_);
    for (const auto& [k, v] : named_) t.counters[k] = v;
  }
  t.counters["calls"] = t.calls;
  t.counters["sampled_out"] = t.sampled_out;
  t.counters["emitted"] = t.emitted;
  t.counters["calls.direct_path"] = direct_path;
  t.counters["calls.general_path"] = general_path;
  return t;
}

}  // namespace metrics::detail
