#include "sender.hpp"

#include <algorithm>
#include <limits>

#include "batcher.hpp"

namespace metrics::datadog {

using metrics::sdk::LogLevel;

namespace {

int64_t system_unix_now_s() noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr size_t kNoSplit = std::numeric_limits<size_t>::max();

const char* queue_path(int q) {
  switch (q) {
    case 0:
      return defaults::series_path;
    case 1:
      return defaults::distribution_path;
    default:
      return defaults::events_path;
  }
}

}  // namespace

Sender::Sender(const Settings& settings, metrics::sdk::Host host, Aggregator& aggregator)
    : settings_(settings),
      unix_now_s_(settings.unix_now_s != nullptr ? settings.unix_now_s : &system_unix_now_s),
      host_(host),
      aggregator_(aggregator),
      env_{settings.host, settings.constant_tags,
           std::max<int64_t>(1, (settings.flush_interval.count() + 500) / 1000)},
      transport_(settings),
      retry_(settings.retry_base, settings.retry_max) {
  for (auto& l : split_limit_) l = kNoSplit;
  thread_ = std::thread([this] { run(); });
}

Sender::~Sender() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    stop_deadline_ = Clock::now() + settings_.shutdown_timeout;
  }
  wake_.notify_one();
  transport_.limit_deadline(stop_deadline_);  // a request in flight ends by then too
  thread_.join();
}

void Sender::add_event(EventData event) {
  bool dropped = false;
  {
    std::lock_guard lock(mutex_);
    if (static_cast<int64_t>(inbox_.size()) >= settings_.max_buffer_points) {
      inbox_.pop_front();
      dropped = true;
    }
    inbox_.push_back(std::move(event));
  }
  if (dropped) host_.count("dropped.buffer_full", 1);
}

bool Sender::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (stop_) return false;
  const uint64_t gen = ++flush_requested_;
  wake_.notify_one();
  auto done = [&] { return flush_done_ >= gen; };
  if (timeout.count() < 0) {
    done_.wait(lock, done);
    return true;
  }
  return done_.wait_for(lock, timeout, done);
}

void Sender::take_early() noexcept {
  try {
    std::lock_guard lock(mutex_);
    early_ = true;
  } catch (...) {
    return;
  }
  wake_.notify_one();
}

int64_t Sender::queued_points() const noexcept {
  std::lock_guard lock(mutex_);
  return queued_points_;
}

void Sender::log(LogLevel level, const std::string& message) const {
  // Belt and braces: no line leaves this backend with a key in it, whatever a server or
  // a library put into the text.
  std::string text = message;
  for (const std::string* secret : {&settings_.api_key, &settings_.app_key}) {
    if (secret->empty()) continue;
    for (size_t at = text.find(*secret); at != std::string::npos; at = text.find(*secret, at))
      text.replace(at, secret->size(), "<redacted>");
  }
  host_.log(level, "datadog: " + text);
}

void Sender::drop_front(Queue q, size_t count, const char* cause) {
  int64_t points = 0;
  for (size_t i = 0; i < count && !queues_[q].empty(); ++i) {
    points += queues_[q].front().points;
    queues_[q].pop_front();
  }
  points_[q] -= points;
  if (points > 0) host_.count(std::string("dropped.") + cause, points);
}

void Sender::take_interval() {
  std::vector<Context> contexts = aggregator_.take();
  if (contexts.empty()) return;
  EncodedInterval enc = encode_interval(contexts, env_, unix_now_s_());
  if (enc.skipped_non_finite > 0) host_.count("dropped.non_finite", enc.skipped_non_finite);
  for (Item& item : enc.series) {
    points_[kSeries] += item.points;
    queues_[kSeries].push_back(std::move(item));
  }
  for (Item& item : enc.distributions) {
    points_[kDistributions] += item.points;
    queues_[kDistributions].push_back(std::move(item));
  }
}

void Sender::enforce_bound() {
  int64_t total = points_[0] + points_[1] + points_[2];
  int64_t before = total;
  while (total > settings_.max_buffer_points) {
    // The oldest point goes first, whichever queue holds it.
    int oldest = -1;
    for (int q = 0; q < kQueues; ++q)
      if (!queues_[q].empty() &&
          (oldest < 0 || queues_[q].front().timestamp < queues_[oldest].front().timestamp))
        oldest = q;
    if (oldest < 0) break;
    drop_front(static_cast<Queue>(oldest), 1, "buffer_full");
    total = points_[0] + points_[1] + points_[2];
  }
  if (before > total)
    log(LogLevel::warn, "buffer full: dropped the " + std::to_string(before - total) +
                            " oldest points waiting to be sent; the API at " +
                            transport_.endpoint() +
                            " is not keeping up (raise max_buffer_points to keep more)");
}

void Sender::log_rejection_once(int status, const std::string& what, const HttpResponse& r) {
  if (status >= 0 && status < 600) {
    if (logged_status_[status]) return;
    logged_status_[status] = true;
  }
  std::string message;
  if (status == 403)
    message = "the API key was rejected (HTTP 403 Forbidden) by " + transport_.endpoint() +
              "; check api_key or DD_API_KEY and the site. ";
  else if (status == 400)
    message = "the request was refused as malformed (HTTP 400 Bad Request) by " +
              transport_.endpoint() + ". ";
  else
    message = "the request was refused (HTTP " + std::to_string(status) + " " + r.reason + ") by " +
              transport_.endpoint() + ". ";
  message += what + " dropped, not retried";
  if (!r.body.empty()) message += "; the server said: " + r.body.substr(0, 300);
  message += " (logged once)";
  log(LogLevel::error, message);
}

bool Sender::send_queue(Queue q, Clock::time_point deadline) {
  auto& queue = queues_[q];
  while (!queue.empty()) {
    // Points older than an hour (events: 18 hours) are refused by the intake: drop them.
    const int64_t oldest_allowed =
        unix_now_s_() - (q == kEvents ? defaults::max_event_age_s : defaults::max_point_age_s);
    size_t old = 0;
    while (old < queue.size() && queue[old].timestamp < oldest_allowed) ++old;
    if (old > 0) drop_front(q, old, "too_old");
    if (queue.empty()) break;

    Batch batch;
    const char* encoding = "";
    if (q == kEvents) {
      batch.count = 1;
      batch.body = queue.front().json;
    } else {
      Compression c = settings_.compression;
      if (q == kDistributions && c != Compression::none) c = Compression::deflate;
      encoding = content_encoding(c);
      batch = make_batch(queue, 0,
                         BatchLimits{settings_.max_compressed_bytes,
                                     settings_.max_uncompressed_bytes, split_limit_[q]},
                         c);
      if (batch.count == 0) {
        log(LogLevel::warn, "a series of " + std::to_string(queue.front().json.size()) +
                                " bytes is larger than one request may be; dropped");
        drop_front(q, 1, "too_large");
        continue;
      }
    }

    auto timeout = settings_.timeout;
    const auto now = Clock::now();
    if (deadline != Clock::time_point::max()) {
      if (now >= deadline) return false;
      timeout =
          std::min(timeout, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
                                std::chrono::milliseconds(1));
    }
    HttpResponse r = transport_.post(HttpRequest{queue_path(q), &batch.body, encoding}, timeout);
    int64_t points = 0;
    for (size_t i = 0; i < batch.count; ++i) points += queue[i].points;
    const std::string what = std::to_string(points) + " points to " + queue_path(q);

    switch (classify(r.status)) {
      case Outcome::delivered:
        host_.count("datadog.requests_sent", 1);
        host_.count("datadog.points_sent", points);
        for (size_t i = 0; i < batch.count; ++i) queue.pop_front();
        points_[q] -= points;
        if (failing_) {
          log(LogLevel::info, "delivery to " + transport_.endpoint() + " works again");
          failing_ = false;
        }
        break;
      case Outcome::split:
        if (batch.count == 1) {
          log(LogLevel::warn, "HTTP 413 for a single item; " + what + " dropped");
          drop_front(q, 1, "too_large");
        } else {
          split_limit_[q] = std::max<size_t>(1, batch.count / 2);
          log(LogLevel::debug, "HTTP 413 Payload Too Large: sending " +
                                   std::to_string(batch.count) + " items in halves");
        }
        break;
      case Outcome::rejected:
        log_rejection_once(r.status, what, r);
        drop_front(q, batch.count, "rejected");
        break;
      case Outcome::retry: {
        const uint32_t attempt = ++queue.front().attempts;
        const std::string why =
            r.status == 0 ? r.error : "HTTP " + std::to_string(r.status) + " " + r.reason;
        if (static_cast<int64_t>(attempt) > settings_.max_retries) {
          log(LogLevel::error, "giving up on " + what + " after " +
                                   std::to_string(settings_.max_retries) + " retries: " + why);
          drop_front(q, batch.count, "retries_exhausted");
          break;
        }
        std::chrono::milliseconds delay = retry_.backoff(static_cast<int>(attempt));
        if (r.status == 429)
          if (auto reset = RetryPolicy::rate_limit_reset(r.rate_limit_reset)) delay = *reset;
        retry_at_ = Clock::now() + delay;
        failing_ = true;
        host_.count("datadog.retries", 1);
        log(LogLevel::warn, "sending " + what + " to " + transport_.endpoint() + " failed (" + why +
                                "); retry " + std::to_string(attempt) + " of " +
                                std::to_string(settings_.max_retries) + " in " +
                                std::to_string(delay.count()) + " ms");
        return false;
      }
    }
  }
  split_limit_[q] = kNoSplit;
  return true;
}

bool Sender::send_queues(Clock::time_point deadline) {
  for (int q = 0; q < kQueues; ++q)
    if (!send_queue(static_cast<Queue>(q), deadline)) return false;
  return true;
}

void Sender::run() {
  auto next_interval = Clock::now() + settings_.flush_interval;
  uint64_t taken_gen = 0;
  bool final_taken = false;
  for (;;) {
    bool stopping = false, early = false;
    uint64_t gen = 0;
    Clock::time_point stop_deadline;
    std::deque<EventData> events;
    {
      std::unique_lock lock(mutex_);
      const bool queued = points_[0] + points_[1] + points_[2] > 0;
      auto wake_at = next_interval;
      if (queued && retry_at_ < wake_at) wake_at = retry_at_;
      if (stop_ && final_taken)
        wake_.wait_until(lock, std::min(wake_at, stop_deadline_));
      else
        wake_.wait_until(lock, wake_at,
                         [&] { return stop_ || early_ || flush_requested_ > taken_gen; });
      stopping = stop_;
      stop_deadline = stop_deadline_;
      early = early_;
      early_ = false;
      gen = flush_requested_;
      events.swap(inbox_);
    }
    try {
      auto now = Clock::now();
      if (now >= next_interval || early || gen > taken_gen || (stopping && !final_taken)) {
        take_interval();
        if (now >= next_interval) next_interval = now + settings_.flush_interval;
        taken_gen = gen;
        if (stopping) final_taken = true;
      }
      const int64_t now_s = unix_now_s_();
      for (EventData& e : events) {
        queues_[kEvents].push_back(encode_event(e, env_, now_s));
        points_[kEvents] += 1;
      }
      enforce_bound();
      if (Clock::now() >= retry_at_)
        send_queues(stopping ? stop_deadline : Clock::time_point::max());
    } catch (const std::exception& e) {
      log(LogLevel::error, std::string("sender: ") + e.what());
    }

    const int64_t queued = points_[0] + points_[1] + points_[2];
    {
      std::lock_guard lock(mutex_);
      queued_points_ = queued;
      if (queued == 0) flush_done_ = std::max(flush_done_, taken_gen);
    }
    done_.notify_all();

    if (stopping && final_taken) {
      const auto now = Clock::now();
      if (queued == 0) return;
      if (now >= stop_deadline || retry_at_ >= stop_deadline) {
        log(LogLevel::error, "shutting down with " + std::to_string(queued) +
                                 " points not delivered to " + transport_.endpoint() +
                                 " (shutdown_timeout_s reached)");
        for (int q = 0; q < kQueues; ++q)
          drop_front(static_cast<Queue>(q), queues_[q].size(), "shutdown");
        return;
      }
    }
  }
}

}  // namespace metrics::datadog
