// Client-side aggregation, as datadog-go's aggregator: per context (type, name, tags)
// counters are summed, gauges keep the last value, sets keep unique members. Sharded by
// calling thread so that threads do not meet on one lock; shards are merged at flush.
#pragma once

#include <metrics/wire/buffer.hpp>
#include <metrics/wire/format.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace metrics::wire {

/// A fast 64-bit hash of a byte string (multiply-fold over 8-byte words).
inline uint64_t hash_bytes(const char* p, size_t n) noexcept {
  auto mix = [](uint64_t a, uint64_t b) noexcept {
    __uint128_t m =
        static_cast<__uint128_t>(a ^ 0xa0761d6478bd642full) * (b ^ 0xe7037ed1a0b428dbull);
    return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
  };
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  while (n >= 16) {
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    h = mix(h ^ a, b ^ 0x8ebc6af09c88c6e3ull);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, n - 8);
  } else {
    std::memcpy(&a, p, n);
  }
  return mix(h ^ a, b ^ 0x589965cc75374cc3ull);
}

/// The two fixed parts of a context's line: head ":" value "|" type tail.
struct ContextLines {
  std::string head;  // the sanitised name
  std::string tail;  // "|#k:v,..." or empty
};

/// One aggregated context, as flushed.
struct AggregatedMetric {
  MetricType type;
  const ContextLines* lines;
  double value;                                    // count or gauge
  const std::unordered_set<std::string>* members;  // set
};

class Aggregator {
 public:
  explicit Aggregator(size_t shards);
  ~Aggregator();
  Aggregator(const Aggregator&) = delete;
  Aggregator& operator=(const Aggregator&) = delete;

  /// Adds a count (already scaled by 1/rate), a gauge value, or a set member to the context
  /// `key` (bytes unique to type, name and tags; `hash` = hash_bytes(key)). `make_lines`
  /// runs only when the context is new in this shard and returns its ContextLines.
  template <class MakeLines>
  void add(MetricType type, std::string_view key, uint64_t hash, double value,
           std::string_view member, MakeLines&& make_lines) {
    Shard& s = shard();
    std::lock_guard<SpinLock> g(s.lock);
    s.by_type[static_cast<size_t>(type)].add(1);
    Entry* e = s.find(key, hash);
    if (e == nullptr) [[unlikely]]
      e = &s.insert(type, key, hash, make_lines());
    switch (type) {
      case MetricType::count:
        e->value += value;
        break;
      case MetricType::gauge:
        e->value = value;
        e->seq = seq_.fetch_add(1, std::memory_order_relaxed);
        break;
      case MetricType::set:
        if (!e->members) e->members = std::make_unique<std::unordered_set<std::string>>();
        e->members->emplace(member);
        break;
      default:
        e->value = value;
        break;
    }
  }

  /// Adds the number of calls aggregated so far, per MetricType, to `out`.
  void read_counts(std::array<uint64_t, 6>& out) const noexcept;

  /// Takes everything aggregated so far, merges the shards and calls `out` once per context.
  void flush(const std::function<void(const AggregatedMetric&)>& out);

 private:
  struct Entry {
    std::string key;
    uint64_t hash = 0;
    MetricType type = MetricType::count;
    ContextLines lines;
    double value = 0;
    uint64_t seq = 0;
    std::unique_ptr<std::unordered_set<std::string>> members;
  };
  struct alignas(64) Shard {
    SpinLock lock;
    std::vector<uint32_t> slots;  // entry index + 1; 0 = empty. Size: a power of two.
    std::vector<uint64_t> slot_hash;
    std::vector<Entry> entries;
    std::array<RelaxedCounter, 6> by_type;  // calls, per MetricType

    Entry* find(std::string_view key, uint64_t hash) noexcept {
      if (slots.empty()) return nullptr;
      const size_t mask = slots.size() - 1;
      for (size_t i = hash & mask;; i = (i + 1) & mask) {
        uint32_t s = slots[i];
        if (s == 0) return nullptr;
        if (slot_hash[i] == hash && entries[s - 1].key == key) return &entries[s - 1];
      }
    }
    Entry& insert(MetricType type, std::string_view key, uint64_t hash, ContextLines lines);
    void place(uint32_t index, uint64_t hash) noexcept;
  };

  Shard& shard() noexcept { return shards_[thread_index() & mask_]; }

  std::unique_ptr<Shard[]> shards_;
  size_t mask_;
  std::atomic<uint64_t> seq_{1};
};

}  // namespace metrics::wire
