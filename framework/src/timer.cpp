#include <metrics/timer.hpp>

namespace metrics {

Timer::Timer(Client& client, std::string_view key, TagList tags, const CallOptions& options)
    : client_(&client),
      key_(key),
      tags_(to_owned(tags)),
      instance_(options.instance),
      sample_rate_(options.sample_rate),
      skip_internal_(options.skip_internal),
      uncaught_at_start_(std::uncaught_exceptions()),
      start_(std::chrono::steady_clock::now()) {
  for (const Tag& t : options.tags) add_tag(t.key(), t.value());
}

Timer::Timer(Timer&& other) noexcept
    : client_(other.client_),
      key_(std::move(other.key_)),
      tags_(std::move(other.tags_)),
      instance_(std::move(other.instance_)),
      sample_rate_(other.sample_rate_),
      skip_internal_(other.skip_internal_),
      uncaught_at_start_(other.uncaught_at_start_),
      start_(other.start_),
      done_(other.done_) {
  other.done_ = true;
}

Timer::~Timer() {
  stop(std::uncaught_exceptions() <= uncaught_at_start_);
}

Timer& Timer::add_tag(std::string_view key, TagValue value) {
  set_tag(tags_, key, value.to_string());
  return *this;
}

void Timer::stop(bool success) noexcept {
  if (done_) return;
  done_ = true;
  auto elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  // Tags on the stack: the timer's own, then result (the timer decides it, so it wins).
  Tag view[64];
  size_t n = 0;
  for (const auto& [k, v] : tags_) {
    if (n == 63) break;
    if (k != "result") view[n++] = Tag{k, v};
  }
  view[n++] = Tag{"result", success ? "success" : "failure"};
  client_->timing(key_, elapsed_ms,
                  {.tags = TagList(view, n),
                   .instance = instance_,
                   .sample_rate = sample_rate_,
                   .skip_internal = skip_internal_});
}

}  // namespace metrics
