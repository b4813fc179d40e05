// Read-side critical sections for the swappable pipeline, and waiting for them to drain.
//
// A metric call reads the current pipeline inside a read section; a swap publishes a new
// pipeline and then waits (wait_for_readers) until every section that might still use the
// old one has ended, before the old one is flushed and destroyed. The reader's cost is two
// plain stores to a counter its own thread owns: the full memory barrier that Dekker-style
// publication needs is paid by the rare writer instead, through membarrier(2)
// (MEMBARRIER_CMD_PRIVATE_EXPEDITED), which runs a barrier on every CPU running this
// process. Where membarrier is missing, and under ThreadSanitizer (which cannot see it),
// readers fall back to a seq_cst fence.
#pragma once

#include <atomic>
#include <cstdint>

#if defined(__SANITIZE_THREAD__)
#define METRICS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define METRICS_TSAN 1
#endif
#endif

namespace metrics::detail {

struct ScopeFrame;

/// One per thread that ever called into metrics; reused after the thread ends. Fields
/// other than `sequence` are touched only by the owning thread.
struct HotCounters;

/// One per thread that ever called into metrics; reused after the thread ends. Fields
/// other than `sequence` are touched only by the owning thread.
struct alignas(64) ThreadRecord {
  /// Odd while the owning thread is inside a read section.
  std::atomic<uint64_t> sequence{0};
  uint32_t index = 0;            ///< dense, stable while the thread lives: a shard index
  ScopeFrame* scopes = nullptr;  ///< innermost ScopedTags frame
  uint64_t rng_state = 0;        ///< the sampling generator
  /// The counter shard this thread last used, and the id of the store it belongs to
  /// (ids are never reused, so a destroyed store's shard is never taken for a new one's).
  uint64_t counters_store_id = 0;
  HotCounters* counters = nullptr;
  std::atomic<bool> in_use{false};
  ThreadRecord* next = nullptr;  ///< registry list; records are never freed
};

/// True when readers may skip the hardware fence (membarrier is available).
extern std::atomic<bool> g_asymmetric_barrier;

#if defined(__GNUC__)
#define METRICS_TLS_FAST __attribute__((tls_model("initial-exec")))
#else
#define METRICS_TLS_FAST
#endif

// constinit: no dynamic initialisation, so no TLS wrapper call on each access.
extern thread_local constinit ThreadRecord* t_record METRICS_TLS_FAST;

/// Claims (or reuses) a record for this thread. Slow path, once per thread.
ThreadRecord* register_thread() noexcept;

inline ThreadRecord* current_thread_record() noexcept {
  ThreadRecord* r = t_record;
  return r != nullptr ? r : register_thread();
}

/// Opens a read section unless the thread is already inside one (a backend may call
/// metrics); returns whether it opened one, for leave_read_section.
inline bool enter_read_section(ThreadRecord* r) noexcept {
  const uint64_t s = r->sequence.load(std::memory_order_relaxed);
  if (s & 1) return false;
#if defined(METRICS_TSAN)
  r->sequence.store(s + 1, std::memory_order_seq_cst);
#else
  r->sequence.store(s + 1, std::memory_order_relaxed);
  if (g_asymmetric_barrier.load(std::memory_order_relaxed))
    std::atomic_signal_fence(std::memory_order_seq_cst);
  else
    std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
  return true;
}

inline void leave_read_section(ThreadRecord* r, bool opened) noexcept {
  if (!opened) return;
  r->sequence.store(r->sequence.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}

/// RAII read section, on the calling thread's record or on one the caller already has.
class ReadSection {
 public:
  explicit ReadSection(ThreadRecord* record = current_thread_record()) noexcept
      : record_(record), opened_(enter_read_section(record)) {}
  ~ReadSection() { leave_read_section(record_, opened_); }
  ReadSection(const ReadSection&) = delete;
  ReadSection& operator=(const ReadSection&) = delete;

 private:
  ThreadRecord* record_;
  bool opened_;
};

/// Returns once every read section that was open when it was called has ended. The
/// caller must have published its new pointer (with seq_cst) before calling. Never call it
/// from inside a read section of the same thread: that section is skipped, not awaited.
void wait_for_readers() noexcept;

}  // namespace metrics::detail
