#include <metrics/wire/buffer.hpp>

namespace metrics::wire {

BufferPool::BufferPool(size_t count, size_t capacity) : count_(count), capacity_(capacity) {
  all_.reserve(count + 64);
  free_.reserve(count + 64);
}

Buffer* BufferPool::take_free() noexcept {
  if (free_.empty()) {
    if (made_ >= count_) return nullptr;
    try {  // grows once per buffer, up to count_: not on the steady-state path
      all_.push_back(std::make_unique<Buffer>(capacity_));
    } catch (...) {
      return nullptr;
    }
    ++made_;
    return all_.back().get();
  }
  Buffer* b = free_.back();
  free_.pop_back();
  return b;
}

void BufferPool::give_back(Buffer* b) noexcept {
  b->clear();
  free_.push_back(b);  // never reallocates: reserved for every buffer made
}

Buffer* BufferPool::pop_ready() noexcept {
  if (ready_.empty()) return nullptr;
  Buffer* b = ready_.front();
  ready_.pop_front();
  return b;
}

Buffer* BufferPool::make_extra() {
  all_.push_back(std::make_unique<Buffer>(capacity_));
  free_.reserve(count_ + all_.size());
  return all_.back().get();
}

}  // namespace metrics::wire
