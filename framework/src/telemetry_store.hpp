// A client's self-telemetry: hot counters sharded per thread (the owner thread writes with
// plain relaxed stores, readers sum), and named counters for everything rarer.
#pragma once

#include <metrics/telemetry.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace metrics::detail {

struct alignas(64) HotCounters {
  std::atomic<int64_t> calls{0};
  std::atomic<int64_t> sampled_out{0};
  std::atomic<int64_t> emitted{0};
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
  HotCounters& overflow_shard(uint32_t index) noexcept;

  std::array<std::atomic<HotCounters*>, kChunks> chunks_{};
  mutable std::mutex named_mutex_;
  std::map<std::string, int64_t, std::less<>> named_;
  // Beyond kChunks * kChunk live threads, the rest share one shard and its counts are
  // approximate (concurrent plain stores may lose increments).
  HotCounters overflow_;
};

}  // namespace metrics::detail
