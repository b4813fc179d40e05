#include <metrics/wire/pipeline.hpp>

#include <algorithm>
#include <bit>

namespace metrics::wire {

namespace {

constexpr size_t kBatch = 64;  // datagrams per sendmmsg

size_t shard_count(size_t asked) {
  if (asked != 0) return std::bit_ceil(asked);
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp<size_t>(std::bit_ceil(cores * 2), 4, 64);
}

}  // namespace

Pipeline::Pipeline(const PipelineOptions& options, std::unique_ptr<Transport> transport,
                   sdk::Host host, std::string telemetry_tags)
    : options_(options),
      telemetry_(host),
      sender_(std::move(transport), telemetry_, host),
      telemetry_tags_(std::move(telemetry_tags)),
      pool_(options.sender_queue_size, options.max_datagram_size) {
  validate(options_);
  const size_t n = shard_count(options_.shards);
  mask_ = n - 1;
  shards_ = std::make_unique<Shard[]>(n);
  for (size_t i = 0; i < n; ++i) shards_[i].buffer = pool_.make_extra();
  own_ = pool_.make_extra();
  if (options_.aggregation) aggregator_ = std::make_unique<Aggregator>(n);
  wake_at_ready_ = std::clamp<size_t>(options_.sender_queue_size / 4, 1, kBatch);
  batch_.reserve(kBatch);
  thread_ = std::thread([this] { run(); });
}

Pipeline::~Pipeline() {
  {
    std::lock_guard<std::mutex> lk(mutex_);
    stop_ = true;
    stop_deadline_ = Clock::now() + options_.shutdown_timeout;
  }
  cv_.notify_one();
  thread_.join();
  telemetry_.report_to_host();
}

Buffer* Pipeline::hand_over(Buffer* full) noexcept {
  std::unique_lock<std::mutex> lk(mutex_);
  Buffer* fresh = pool_.take_free();
  if (fresh == nullptr) {
    // Every buffer waits for the sender: drop this one, as datadog-go does, and say so.
    lk.unlock();
    telemetry_.dropped(DropReason::queue_full, full->metrics, 1, full->size);
    full->clear();
    return full;
  }
  pool_.push_ready(full);
  // A sender that keeps up sleeps between buffers; waking it for each one cost the caller
  // a futex wake per datagram (about three times the cost of the calls filling it). It is
  // woken for a batch instead, well before the queue fills; what is fewer waits at most
  // one flush interval, as a partly filled buffer does.
  const bool wake = waiting_ && pool_.ready_count() >= wake_at_ready_;
  lk.unlock();
  if (wake) cv_.notify_one();
  return fresh;
}

bool Pipeline::flush(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lk(mutex_);
  if (stop_) return true;
  const uint64_t gen = ++flush_requested_;
  cv_.notify_one();
  auto done = [&] { return flush_done_ >= gen; };
  if (timeout.count() < 0) {
    done_cv_.wait(lk, done);
    return true;
  }
  return done_cv_.wait_for(lk, timeout, done);
}

TelemetrySnapshot Pipeline::snapshot() const noexcept {
  TelemetrySnapshot s;
  telemetry_.read(s);
  for (size_t i = 0; i <= mask_; ++i)
    for (size_t t = 0; t < kMetricTypes; ++t) s.metrics_by_type[t] += shards_[i].by_type[t].get();
  if (aggregator_) aggregator_->read_counts(s.metrics_by_type);
  return s;
}

void Pipeline::run() {
  auto next_flush = Clock::now() + options_.flush_interval;
  auto next_report = Clock::now() + options_.telemetry_interval;
  std::unique_lock<std::mutex> lk(mutex_);
  for (;;) {
    auto wake_at = options_.telemetry ? std::min(next_flush, next_report) : next_flush;
    waiting_ = true;
    cv_.wait_until(lk, wake_at, [&] {
      return pool_.ready_count() >= wake_at_ready_ || flush_requested_ != flush_done_ || stop_;
    });
    waiting_ = false;
    const uint64_t gen = flush_requested_;
    const bool requested = gen != flush_done_;
    const bool stopping = stop_;
    const auto deadline = stopping ? stop_deadline_ : Clock::time_point::max();
    lk.unlock();

    send_ready(deadline);
    auto now = Clock::now();
    if (requested || stopping || now >= next_flush) {
      drain(deadline, requested || stopping);
      next_flush = now + options_.flush_interval;
    }
    if (options_.telemetry && (now >= next_report || stopping)) {
      write_telemetry_report(deadline);
      next_report = now + options_.telemetry_interval;
    }

    telemetry_.report_to_host();
    lk.lock();
    if (requested) {
      flush_done_ = gen;
      done_cv_.notify_all();
    }
    if (stopping) break;
  }
  // Whoever still waits on a flush is released.
  flush_done_ = flush_requested_;
  done_cv_.notify_all();
}

void Pipeline::send_ready(Clock::time_point deadline) {
  for (;;) {
    {
      std::lock_guard<std::mutex> lk(mutex_);
      while (batch_.size() < kBatch) {
        Buffer* b = pool_.pop_ready();
        if (b == nullptr) break;
        batch_.push_back(b);
      }
    }
    if (batch_.empty()) return;
    if (Clock::now() > deadline)
      sender_.abandon(batch_);
    else
      sender_.send(batch_);
    {
      std::lock_guard<std::mutex> lk(mutex_);
      for (Buffer* b : batch_) pool_.give_back(b);
    }
    batch_.clear();
  }
}

bool Pipeline::collect_partials(bool must) {
  bool all = true;
  for (size_t i = 0; i <= mask_; ++i) {
    Shard& s = shards_[i];
    // A periodic drain skips a shard a caller holds: it is busy, so its buffer fills and
    // comes on its own; only flush() and shutdown wait for it.
    std::unique_lock<SpinLock> g(s.lock, std::defer_lock);
    if (must)
      g.lock();
    else if (!g.try_lock())
      continue;
    if (s.buffer->empty()) continue;
    std::lock_guard<std::mutex> lk(mutex_);
    Buffer* fresh = pool_.take_free();
    if (fresh == nullptr) {
      all = false;  // the queue is full: send it first, then come back
      continue;
    }
    pool_.push_ready(s.buffer);
    s.buffer = fresh;
  }
  return all;
}

void Pipeline::drain(Clock::time_point deadline, bool must) {
  for (int round = 0; round < 1000; ++round) {
    bool all = collect_partials(must);
    send_ready(deadline);
    if (all) break;
  }
  if (aggregator_) {
    std::array<uint64_t, kMetricTypes> contexts{};
    aggregator_->flush([&](const AggregatedMetric& m) {
      ++contexts[static_cast<size_t>(m.type)];
      if (m.type == MetricType::set) {
        if (m.members == nullptr) return;
        for (const auto& member : *m.members)
          pack_own(
              [&](Writer& w) {
                append_context_line(w, m.lines->head, m.lines->tail, m.type, 0, member);
              },
              deadline);
      } else {
        pack_own(
            [&](Writer& w) {
              append_context_line(w, m.lines->head, m.lines->tail, m.type, m.value, {});
            },
            deadline);
      }
    });
    for (size_t t = 0; t < kMetricTypes; ++t)
      if (contexts[t] != 0) telemetry_.aggregated(static_cast<MetricType>(t), contexts[t]);
  }
  send_own(deadline);
}

template <class F>
void Pipeline::pack_own(F&& fn, Clock::time_point deadline) {
  PackResult r = pack(*own_, fn);
  if (r == PackResult::full) {
    send_own(deadline);
    r = pack(*own_, fn);
  }
  if (r != PackResult::ok) telemetry_.dropped(DropReason::too_big, 1);
}

void Pipeline::send_own(Clock::time_point deadline) {
  if (own_->empty()) return;
  Buffer* one[] = {own_};
  if (Clock::now() > deadline)
    sender_.abandon(one);
  else
    sender_.send(one);
  own_->clear();
}

void Pipeline::write_telemetry_report(Clock::time_point deadline) {
  TelemetrySnapshot now = snapshot();
  write_telemetry(now, last_report_, telemetry_tags_, [&](auto&& fn) { pack_own(fn, deadline); });
  last_report_ = now;
  send_own(deadline);
}

}  // namespace metrics::wire
