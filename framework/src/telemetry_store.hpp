// A client's self-telemetry: hot counters sharded per thread (the owner thread writes with
// plain relaxed stores, readers sum), and named counters for everything rarer.
#pragma once

#include <metrics/telemetry.hpp>

#include "read_section.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace metrics::detail {

/// Each call is counted once, by the way it ended, so that the direct path pays one
/// increment: calls = direct + direct_failed + sampled_out + general, emitted = direct +
/// general_emits.
struct alignas(64) HotCounters {
  std::atomic<int64_t> direct{0};         ///< calls the direct path emitted
  std::atomic<int64_t> direct_failed{0};  ///< calls whose direct emit the backend refused
  std::atomic<int64_t> sampled_out{0};    ///< calls the sample rate dropped
  std::atomic<int64_t> general{0};        ///< calls the general path took (not sampled out)
  std::atomic<int64_t> general_emits{0};  ///< samples the general path handed to a backend
};

/// Adds one without a locked instruction: only the owning thread writes a shard.
inline void bump(std::atomic<int64_t>& c, int64_t n = 1) noexcept {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

class TelemetryStore {
 public:
  static constexpr uint32_t kChunk = 64;
  static constexpr uint32_t kChunks = 1024;  // 65536 threads alive at once

  TelemetryStore() = default;
  ~TelemetryStore();
  TelemetryStore(const TelemetryStore&) = delete;
  TelemetryStore& operator=(const TelemetryStore&) = delete;

  /// The calling thread's shard, through the one-entry cache in its record.
  HotCounters& counters_for(ThreadRecord* r) noexcept {
    if (r->counters_store_id == id_) [[likely]]
      return *r->counters;
    return attach(r);
  }

  /// The shard of the thread with record index `index`.
  HotCounters& shard(uint32_t index) noexcept {
    uint32_t chunk = index / kChunk;
    if (chunk >= kChunks) return overflow_shard(index);
    HotCounters* c = chunks_[chunk].load(std::memory_order_acquire);
    if (c == nullptr) c = allocate(chunk);
    return c != nullptr ? c[index % kChunk] : overflow_shard(index);
  }

  void add(std::string_view name, int64_t delta) noexcept;
  Telemetry snapshot() const;

 private:
  HotCounters* allocate(uint32_t chunk) noexcept;
  HotCounters& attach(ThreadRecord* r) noexcept;

  const uint64_t id_ = next_id();
  static uint64_t next_id() noexcept;
  HotCounters& overflow_shard(uint32_t index) noexcept;

  std::array<std::atomic<HotCounters*>, kChunks> chunks_{};
  mutable std::mutex named_mutex_;
  std::map<std::string, int64_t, std::less<>> named_;
  // Beyond kChunks * kChunk live threads, the rest share one shard and its counts are
  // approximate (concurrent plain stores may lose increments).
  HotCounters overflow_;
};

}  // namespace metrics::detail
