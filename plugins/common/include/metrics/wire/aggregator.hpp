// Client-side aggregation, as datadog-go's aggregator: per context (type, name, tags)
// counters are summed, gauges keep the last value, sets keep unique members. Sharded by
// calling thread so that threads do not meet on one lock; shards are merged at flush.
// Contexts outlive a flush (only those updated since are sent) until they have been idle
// for Defaults::context_idle_flushes flushes, so steady traffic does not allocate.
#pragma once

#include <metrics/wire/buffer.hpp>
#include <metrics/wire/format.hpp>
#include <metrics/wire/options.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace metrics::wire {

namespace details {
inline uint64_t mix(uint64_t a, uint64_t b) noexcept {
  __uint128_t m = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
}
inline uint64_t read64(const char* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t read32(const char* p) noexcept {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
}  // namespace details

/// One step of a chained 64-bit hash: folds `n` bytes at `p` into `h` with one multiply
/// for up to 16 bytes (wyhash's construction: short inputs are read with overlapping
/// loads, no byte loop, no copy). Start a chain with hash_seed, fold the parts of a key in
/// (xor a distinct constant into `h` between parts), then finish with hash_final.
inline uint64_t hash_step(uint64_t h, const char* p, size_t n) noexcept {
  using namespace details;
  constexpr uint64_t s1 = 0xe7037ed1a0b428dbull, s2 = 0x8ebc6af09c88c6e3ull;
  uint64_t a, b;
  if (n <= 16) [[likely]] {
    if (n >= 4) {
      const size_t mid = (n >> 3) << 2;
      a = (read32(p) << 32) | read32(p + mid);
      b = (read32(p + n - 4) << 32) | read32(p + n - 4 - mid);
    } else if (n > 0) {
      a = (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
          (static_cast<uint64_t>(static_cast<unsigned char>(p[n >> 1])) << 8) |
          static_cast<unsigned char>(p[n - 1]);
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    size_t i = n;
    while (i > 16) {
      h = mix(read64(p) ^ s1, read64(p + 8) ^ h);
      p += 16;
      i -= 16;
    }
    a = read64(p + i - 16);
    b = read64(p + i - 8);
  }
  return mix(a ^ s1, b ^ h ^ s2 ^ n);
}

/// A chain's first value from a small seed (a type, a constant): spread over all 64 bits,
/// since hash_step folds `h` in linearly.
inline uint64_t hash_seed(uint64_t seed) noexcept {
  return details::mix(seed ^ 0x2d358dccaa6c78a5ull, 0x8bb84b93962eacc9ull);
}

inline uint64_t hash_final(uint64_t h) noexcept {
  return details::mix(h ^ 0xa0761d6478bd642full, 0x589965cc75374cc3ull);
}

/// A 64-bit hash of a byte string.
inline uint64_t hash_bytes(const char* p, size_t n, uint64_t seed = 0) noexcept {
  return hash_final(hash_step(hash_seed(seed), p, n));
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
  /// whose key is `hash`: a 64-bit hash of type, name, instance and tags, chained with
  /// hash_step. As in the Datadog agent's context resolver, the hash is the context key
  /// (two contexts would merge only on a 64-bit collision). `make_lines` runs only when the
  /// context is new in this shard and returns its ContextLines.
  template <class MakeLines>
  void add(MetricType type, uint64_t hash, double value, std::string_view member,
           MakeLines&& make_lines) {
    Shard& s = lock_shard();
    std::lock_guard<SpinLock> g(s.lock, std::adopt_lock);
    s.by_type[static_cast<size_t>(type)].add(1);
    Entry* e = s.find(hash);
    if (e == nullptr) [[unlikely]]
      e = &s.insert(type, hash, make_lines());
    e->touched = true;
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

  /// Takes everything aggregated since the last flush, merges the shards and calls `out`
  /// once per context updated since then. Forgets contexts idle for too long. Called from
  /// one thread at a time (the sender's).
  void flush(const std::function<void(const AggregatedMetric&)>& out);

  /// Contexts held now, all shards together.
  size_t contexts() const noexcept;

 private:
  struct Entry {
    uint64_t hash = 0;
    MetricType type = MetricType::count;
    ContextLines lines;  // set once at insert, read by the flushing thread without the lock
    double value = 0;
    uint64_t seq = 0;
    std::unique_ptr<std::unordered_set<std::string>> members;
    bool touched = false;  // updated since the last flush
    uint32_t idle = 0;     // flushes since the last update
  };
  struct alignas(64) Shard {
    SpinLock lock;
    std::vector<uint32_t> slots;  // entry index + 1; 0 = empty. Size: a power of two.
    std::vector<uint64_t> slot_hash;
    std::vector<std::unique_ptr<Entry>> entries;  // stable addresses
    std::array<RelaxedCounter, 6> by_type;        // calls, per MetricType

    Entry* find(uint64_t hash) noexcept {
      if (slots.empty()) return nullptr;
      const size_t mask = slots.size() - 1;
      for (size_t i = hash & mask;; i = (i + 1) & mask) {
        uint32_t s = slots[i];
        if (s == 0) return nullptr;
        if (slot_hash[i] == hash) return entries[s - 1].get();
      }
    }
    Entry& insert(MetricType type, uint64_t hash, ContextLines lines);
    void place(uint32_t index, uint64_t hash) noexcept;
    void rebuild_slots();
  };

  /// Locks and returns the calling thread's shard. A thread starts at its thread index;
  /// when it finds that shard held, it moves to the next one for good. Thread indices are
  /// never reused, so threads that come and go leave long-lived ones sharing a shard one
  /// time in (shard count); two such threads, both busy, would otherwise spin on one lock
  /// for as long as both run (two threads into DogStatsD: 12 ns per call apart, 35 to
  /// 65 ns on one shard). Aggregation merges shards at flush, so moving is free.
  Shard& lock_shard() noexcept {
    static thread_local uint32_t hint_plus_one __attribute__((tls_model("initial-exec"))) = 0;
    if (hint_plus_one == 0) [[unlikely]]
      hint_plus_one = thread_index() + 1;
    Shard* s = &shards_[(hint_plus_one - 1) & mask_];
    if (!s->lock.try_lock()) [[unlikely]] {
      ++hint_plus_one;
      s = &shards_[(hint_plus_one - 1) & mask_];
      s->lock.lock();
    }
    return *s;
  }

  std::unique_ptr<Shard[]> shards_;
  size_t mask_;
  // The flushing thread's own.
  struct Taken {
    Entry* entry;
    double value;
    uint64_t seq;
    std::unique_ptr<std::unordered_set<std::string>> members;
  };
  std::vector<Taken> taken_;
  std::atomic<uint64_t> seq_{1};
};

}  // namespace metrics::wire
