#include <metrics/timer.hpp>

#include <algorithm>
#include <cstring>
#include <memory>

namespace metrics {

namespace {
// The most tags a timer reports, result included; more are dropped.
constexpr size_t kMaxTags = 64;
}  // namespace

Timer::Timer(Client& client, std::string_view key, TagList tags, const CallOptions& options)
    : client_(&client),
      sample_rate_(options.sample_rate),
      skip_internal_(options.skip_internal),
      uncaught_at_start_(std::uncaught_exceptions()) {
  if (!keep(key, key_) || !keep(options.instance, instance_)) spill();
  if (overflow_) {
    overflow_->key = key;
    overflow_->instance = options.instance;
  }
  for (const Tag& t : tags) add_tag(t.key(), t.value());
  for (const Tag& t : options.tags) add_tag(t.key(), t.value());
  // Last, so that the set-up above is not timed.
  start_ = std::chrono::steady_clock::now();
}

Timer::Timer(Timer&& other) noexcept
    : client_(other.client_),
      sample_rate_(other.sample_rate_),
      skip_internal_(other.skip_internal_),
      done_(other.done_),
      uncaught_at_start_(other.uncaught_at_start_),
      start_(other.start_),
      key_(other.key_),
      instance_(other.instance_),
      tag_count_(other.tag_count_),
      text_used_(other.text_used_),
      overflow_(std::move(other.overflow_)) {
  std::copy_n(other.tag_keys_, tag_count_, tag_keys_);
  std::copy_n(other.tag_values_, tag_count_, tag_values_);
  std::memcpy(text_, other.text_, text_used_);
  other.done_ = true;
}

Timer::~Timer() {
  stop(std::uncaught_exceptions() <= uncaught_at_start_);
}

bool Timer::keep(std::string_view s, Piece& out) noexcept {
  if (s.size() > kInlineText - text_used_) return false;
  if (!s.empty()) std::memcpy(text_ + text_used_, s.data(), s.size());  // data() may be null
  out = {text_used_, static_cast<uint16_t>(s.size())};
  text_used_ = static_cast<uint16_t>(text_used_ + s.size());
  return true;
}

void Timer::spill() {
  if (overflow_) return;
  auto overflow = std::make_unique<Overflow>();
  overflow->key = text(key_);
  overflow->instance = text(instance_);
  overflow->tags.reserve(tag_count_ + 1);
  for (size_t i = 0; i < tag_count_; ++i)
    overflow->tags.emplace_back(text(tag_keys_[i]), text(tag_values_[i]));
  overflow_ = std::move(overflow);
}

Timer& Timer::add_tag(std::string_view key, TagValue value) {
  char number[32];
  const std::string_view value_text = value.format(number, sizeof(number));
  if (!overflow_) {
    size_t i = 0;
    while (i < tag_count_ && text(tag_keys_[i]) != key) ++i;
    // A replaced value's old text stays in text_ unused: a timer is short-lived.
    if (i < tag_count_ && keep(value_text, tag_values_[i])) return *this;
    if (i == tag_count_ && tag_count_ < kInlineTags && keep(key, tag_keys_[i])) {
      if (keep(value_text, tag_values_[i])) {
        ++tag_count_;
        return *this;
      }
    }
    spill();
  }
  set_tag(overflow_->tags, key, std::string(value_text));
  return *this;
}

void Timer::stop(bool success) noexcept {
  if (done_) return;
  done_ = true;
  auto elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  // Tags on the stack: the timer's own, then result (the timer decides it, so it wins).
  // Only the tags written are initialised: a whole array of Tags would cost a store per
  // field of all 64.
  union Views {
    Views() noexcept {}
    Tag tags[kMaxTags];
  } view;
  size_t n = 0;
  auto add = [&](std::string_view k, std::string_view v) {
    if (n < kMaxTags - 1 && k != "result") std::construct_at(&view.tags[n++], k, v);
  };
  if (overflow_) {
    for (const auto& [k, v] : overflow_->tags) add(k, v);
  } else {
    for (size_t i = 0; i < tag_count_; ++i) add(text(tag_keys_[i]), text(tag_values_[i]));
  }
  std::construct_at(&view.tags[n++], "result", success ? "success" : "failure");
  client_->timing(overflow_ ? std::string_view(overflow_->key) : text(key_), elapsed_ms,
                  {.tags = TagList(view.tags, n),
                   .instance = overflow_ ? std::string_view(overflow_->instance) : text(instance_),
                   .sample_rate = sample_rate_,
                   .skip_internal = skip_internal_});
}

}  // namespace metrics
