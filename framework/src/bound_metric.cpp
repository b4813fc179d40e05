// BoundMetric: a key and options fixed once. Its calls take the direct path's last step
// (the plugin's emit with a sample prepared for the pipeline in force) and fall back to
// the keyword call's path whenever the prepared form does not apply.
#include <metrics/bound_metric.hpp>
#include <metrics/client.hpp>

#include "bound_state.hpp"
#include "call_path.hpp"
#include "client_core.hpp"

#include <algorithm>

namespace metrics::detail {

BoundState::BoundState(std::string_view key_, const CallOptions& given)
    : key(key_), owned_tags(to_owned(given.tags)), instance(given.instance), unit(given.unit) {
  tag_views.reserve(owned_tags.size());
  for (const auto& [k, v] : owned_tags) tag_views.push_back({k, v});
  options.tags = TagList(tag_views.data(), tag_views.size());
  options.instance = instance;
  options.sample_rate = given.sample_rate;
  options.unit = unit;
  options.skip_internal = given.skip_internal;
}

BoundState::~BoundState() {
  if (core != nullptr) core->detach(this);
}

std::unique_ptr<PreparedBound> prepare_bound(const BoundState& bound, const Pipeline& p) {
  if (p.direct.emit == nullptr) return nullptr;
  for (const Tag& t : bound.tag_views)
    if (has_bad_tag_shape(t.key())) return nullptr;
  auto out = std::make_unique<PreparedBound>();
  out->pipeline = &p;
  out->emit = p.direct;
  out->name = p.config.prefix + bound.key;
  out->tags.resize(p.base_views.size() + bound.tag_views.size());
  size_t n = p.base_views.size();
  std::copy(p.base_views.begin(), p.base_views.end(), out->tags.begin());
  for (const Tag& t : bound.tag_views)
    n = put_tag(out->tags.data(), n, t.key(), t.value().string());
  out->tags.resize(n);
  metrics_sample_t& s = out->sample;
  s.struct_size = sizeof(metrics_sample_t);
  s.name = {out->name.data(), out->name.size()};
  s.unit = {bound.unit.data(), bound.unit.size()};
  s.instance = {bound.instance.data(), bound.instance.size()};
  s.tags = out->tags.data();
  s.tag_count = n;
  return out;
}

// Inlined into BoundMetric's calls below; as in ClientCore::record, a call that its own
// rate samples out returns before the delivering frame exists.
[[gnu::always_inline]] inline void ClientCore::record_bound(const BoundState& bound,
                                                            metrics_kind_t kind,
                                                            double value) noexcept {
  ThreadRecord* record = current_thread_record();
  if (dropped_by_call_rate(record, bound.options.sample_rate)) [[unlikely]]
    return;
  send_bound(record, bound, kind, value);
}

void ClientCore::send_bound(ThreadRecord* record, const BoundState& bound, metrics_kind_t kind,
                            double value) noexcept {
  {
    ReadSection section(record);
    const Pipeline& p = *current_.load(std::memory_order_acquire);
    const PreparedBound* prepared = bound.prepared.load(std::memory_order_acquire);
    if (prepared != nullptr && prepared->pipeline == &p && record->scopes == nullptr) [[likely]] {
      double rate;
      if (!pass_rate(record, bound.options.sample_rate, p, rate)) return;
      metrics_sample_t sample = prepared->sample;
      sample.kind = static_cast<uint32_t>(kind);
      sample.value = value;
      // Two 8-byte stores, not one: GCC would merge value and rate into a 16-byte store at
      // offset 24, which crosses a cache line in one stack position out of four, and the
      // plugin's loads of either field then cannot be forwarded from it (into DogStatsD:
      // 40 ns a call instead of 20). The empty asm reads `value`, so the merge cannot
      // happen; it emits nothing. (The keyword path aligns its sample to 64 instead, which
      // costs a stack realignment here.)
      asm("" : : "m"(sample.value));
      sample.sample_rate = rate;
      emit_direct(record, p, prepared->emit, sample);
      return;
    }
  }
  // Scoped tags, a pipeline without a direct path, or one published after the prepared
  // form was taken: the keyword call, with the rate already decided.
  send(record, kind, bound.key, value, bound.options);
}

void ClientCore::attach(BoundState* bound) {
  std::lock_guard lock(writer_mutex_);
  bound_.reserve(bound_.size() + 1);
  bound->prepared.store(prepare_bound(*bound, *current_.load()).release(),
                        std::memory_order_release);
  bound_.push_back(bound);
  bound->core = this;
}

void ClientCore::detach(BoundState* bound) noexcept {
  std::lock_guard lock(writer_mutex_);
  std::erase(bound_, bound);
  delete bound->prepared.exchange(nullptr);
  bound->core = nullptr;
}

}  // namespace metrics::detail

namespace metrics {

BoundMetric::BoundMetric() noexcept = default;
BoundMetric::BoundMetric(std::unique_ptr<detail::BoundState> state) noexcept
    : state_(std::move(state)) {}
BoundMetric::~BoundMetric() = default;
BoundMetric::BoundMetric(BoundMetric&&) noexcept = default;
BoundMetric& BoundMetric::operator=(BoundMetric&&) noexcept = default;

void BoundMetric::incr(double amount) const noexcept {
  if (state_ && state_->core) state_->core->record_bound(*state_, METRICS_KIND_COUNTER, amount);
}
void BoundMetric::gauge(double value) const noexcept {
  if (state_ && state_->core) state_->core->record_bound(*state_, METRICS_KIND_GAUGE, value);
}
void BoundMetric::timing(double milliseconds) const noexcept {
  if (state_ && state_->core)
    state_->core->record_bound(*state_, METRICS_KIND_TIMING, milliseconds);
}
void BoundMetric::distribution(double value) const noexcept {
  if (state_ && state_->core) state_->core->record_bound(*state_, METRICS_KIND_DISTRIBUTION, value);
}
std::string_view BoundMetric::key() const noexcept {
  return state_ ? std::string_view(state_->key) : std::string_view{};
}

BoundMetric Client::bind(std::string_view key, const CallOptions& options) {
  auto state = std::make_unique<detail::BoundState>(key, options);
  core_->attach(state.get());
  return BoundMetric(std::move(state));
}

}  // namespace metrics
