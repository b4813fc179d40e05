// Bounded datagram buffers: a packer that adds whole lines and never exceeds the buffer's
// capacity (a line that does not fit is rolled back), and a fixed pool of buffers.
#pragma once

#include <metrics/wire/format.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

namespace metrics::wire {

/// One datagram being filled: lines separated by '\n', at most `capacity` bytes.
struct Buffer {
  explicit Buffer(size_t cap) : data(new char[cap]), capacity(cap) {}
  std::unique_ptr<char[]> data;
  size_t capacity;
  size_t size = 0;
  uint32_t metrics = 0;  // metric calls packed in (a negative statsd gauge is one)

  std::string_view view() const noexcept { return {data.get(), size}; }
  bool empty() const noexcept { return size == 0; }
  void clear() noexcept {
    size = 0;
    metrics = 0;
  }
};

enum class PackResult : uint8_t {
  ok,       // the line is in
  full,     // it does not fit after what is there: send the buffer and try again
  too_big,  // it does not fit even an empty buffer: drop it
};

/// Appends one line written by `fn(Writer&)`, with a '\n' before it unless the buffer is
/// empty. On overflow nothing of the line stays (the size is only committed on success).
template <class F>
PackResult pack(Buffer& b, F&& fn) noexcept {
  Writer w(b.data.get() + b.size, b.capacity - b.size);
  if (b.size != 0) w.put('\n');
  fn(w);
  if (w.overflowed()) [[unlikely]]
    return b.size == 0 ? PackResult::too_big : PackResult::full;
  b.size += w.size();
  ++b.metrics;
  return PackResult::ok;
}

/// At most `count` buffers, made when first needed: free ones, and full ones waiting for
/// the sender (FIFO). Not synchronised; the pipeline guards it with its mutex.
class BufferPool {
 public:
  BufferPool(size_t count, size_t capacity);

  Buffer* take_free() noexcept;  // nullptr when all `count` exist and none is free
  void give_back(Buffer* b) noexcept;
  void push_ready(Buffer* b) { ready_.push_back(b); }
  size_t ready_count() const noexcept { return ready_.size(); }
  Buffer* pop_ready() noexcept;
  size_t free_count() const noexcept { return free_.size(); }

  /// A buffer outside the pool (shard buffers, the sender's own).
  Buffer* make_extra();

 private:
  std::vector<std::unique_ptr<Buffer>> all_;
  std::vector<Buffer*> free_;
  std::deque<Buffer*> ready_;
  size_t count_;
  size_t made_ = 0;
  size_t capacity_;
};

/// A small lock for short critical sections on the call path: one atomic exchange to take,
/// one store to release; it yields when held for long (more threads than cores).
class SpinLock {
 public:
  void lock() noexcept {
    for (int spins = 0; flag_.exchange(true, std::memory_order_acquire); ++spins) {
      while (flag_.load(std::memory_order_relaxed)) {
        if (++spins > 64) std::this_thread::yield();
      }
    }
  }
  bool try_lock() noexcept { return !flag_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { flag_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> flag_{false};
};

/// A small number per thread, for picking a shard: threads get 0, 1, 2... in the order they
/// first ask.
namespace details {
inline std::atomic<uint32_t> next_thread_index{0};
}
inline uint32_t thread_index() noexcept {
  // Zero-initialised (no TLS guard) and initial-exec: a plain TLS load, no __tls_get_addr
  // call, even in a dlopen-ed module. Holds the index + 1; 0 means not assigned yet.
  static thread_local uint32_t index_plus_one __attribute__((tls_model("initial-exec"))) = 0;
  if (index_plus_one == 0) [[unlikely]]
    index_plus_one = details::next_thread_index.fetch_add(1, std::memory_order_relaxed) + 1;
  return index_plus_one - 1;
}

/// A counter written under a lock by one writer at a time and read by anyone: relaxed
/// atomic loads and stores, no read-modify-write on the call path.
struct RelaxedCounter {
  std::atomic<uint64_t> v{0};
  void add(uint64_t d) noexcept {
    v.store(v.load(std::memory_order_relaxed) + d, std::memory_order_relaxed);
  }
  uint64_t get() const noexcept { return v.load(std::memory_order_relaxed); }
};

}  // namespace metrics::wire
