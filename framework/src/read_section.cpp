#include "read_section.hpp"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mutex>
#include <thread>

namespace metrics::detail {

std::atomic<bool> g_asymmetric_barrier{false};
thread_local constinit ThreadRecord* t_record METRICS_TLS_FAST = nullptr;

namespace {

std::atomic<ThreadRecord*> g_records{nullptr};
std::atomic<uint32_t> g_record_count{0};

[[maybe_unused]] long membarrier(int cmd) {
  return syscall(__NR_membarrier, cmd, 0, 0);
}

void choose_barrier() noexcept {
#if !defined(METRICS_TSAN)
  long supported = membarrier(MEMBARRIER_CMD_QUERY);
  if (supported > 0 && (supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
      membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
    g_asymmetric_barrier.store(true, std::memory_order_seq_cst);
#endif
}

// Gives the record back when its thread ends, so that a process with many short-lived
// threads keeps a bounded registry.
struct RecordReleaser {
  ThreadRecord* record = nullptr;
  ~RecordReleaser() {
    if (record == nullptr) return;
    t_record = nullptr;
    record->scopes = nullptr;
    record->in_use.store(false, std::memory_order_release);
  }
};
thread_local RecordReleaser t_releaser;

}  // namespace

ThreadRecord* register_thread() noexcept {
  static std::once_flag once;
  std::call_once(once, choose_barrier);

  ThreadRecord* mine = nullptr;
  for (ThreadRecord* r = g_records.load(std::memory_order_acquire); r != nullptr; r = r->next) {
    bool expected = false;
    if (!r->in_use.load(std::memory_order_relaxed) &&
        r->in_use.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) {
      mine = r;
      break;
    }
  }
  if (mine == nullptr) {
    mine = new ThreadRecord;  // never freed: a writer may be scanning it
    mine->in_use.store(true, std::memory_order_relaxed);
    mine->index = g_record_count.fetch_add(1, std::memory_order_relaxed);
    ThreadRecord* head = g_records.load(std::memory_order_relaxed);
    do {
      mine->next = head;
    } while (!g_records.compare_exchange_weak(head, mine, std::memory_order_release,
                                              std::memory_order_relaxed));
  }
  mine->rng_state =
      reinterpret_cast<uintptr_t>(mine) ^
      static_cast<uint64_t>(std::hash<std::thread::id>{}(std::this_thread::get_id())) ^
      0x9E3779B97F4A7C15ull;
  t_record = mine;
  t_releaser.record = mine;
  return mine;
}

void wait_for_readers() noexcept {
#if defined(METRICS_TSAN)
  // ThreadSanitizer does not model fences (GCC warns with -Wtsan): here readers store
  // their sequence seq_cst, and the scan below loads it seq_cst.
  constexpr auto kScanOrder = std::memory_order_seq_cst;
#else
  constexpr auto kScanOrder = std::memory_order_acquire;
  if (g_asymmetric_barrier.load(std::memory_order_relaxed))
    membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
  else
    std::atomic_thread_fence(std::memory_order_seq_cst);
#endif

  ThreadRecord* self = t_record;
  for (ThreadRecord* r = g_records.load(std::memory_order_acquire); r != nullptr; r = r->next) {
    if (r == self) continue;
    uint64_t seen = r->sequence.load(kScanOrder);
    if ((seen & 1) == 0) continue;
    // The reader is inside a section that may have read the old pointer; sections are
    // short (emit never blocks), so spinning briefly and then yielding is enough.
    for (int spins = 0; r->sequence.load(kScanOrder) == seen; ++spins) {
      if (spins > 100) std::this_thread::yield();
    }
  }
}

}  // namespace metrics::detail
