// The hot path of every metric call: the sampling decision, the read section and the
// direct path (see direct_tags.hpp), in the functions the caller calls. What the direct
// path does not take goes to general_path.cpp. Budget: a few nanoseconds and no
// allocation (see bench/framework and tests/framework/allocation_test.cpp).
#include "call_path.hpp"
#include "client_core.hpp"
#include "direct_tags.hpp"

#include <algorithm>

namespace metrics::detail {

DirectTagsCheck take_tags_formatting_floating(const std::vector<metrics_tag_t>& base, TagList call,
                                              DirectTags& out, const metrics_tag_t*& tags,
                                              size_t& count) noexcept {
  return take_tags<true>(base, nullptr, 0, call, out, tags, count);
}

[[gnu::always_inline]] inline bool ClientCore::emit_merged(ThreadRecord* record, const Pipeline& p,
                                                           metrics_sample_t& sample,
                                                           const CallOptions& options,
                                                           const metrics_tag_t* scoped,
                                                           size_t scoped_count) noexcept {
  alignas(64) DirectTags tags;
  DirectTagsCheck check = take_tags<false>(p.base_views, scoped, scoped_count, options.tags, tags,
                                           sample.tags, sample.tag_count);
  if (check == DirectTagsCheck::has_floating) [[unlikely]] {
    // Without scoped tags, out of line: the unscoped caller passes no more arguments than
    // fit in registers.
    check = scoped_count == 0 ? take_tags_formatting_floating(p.base_views, options.tags, tags,
                                                              sample.tags, sample.tag_count)
                              : take_tags<true>(p.base_views, scoped, scoped_count, options.tags,
                                                tags, sample.tags, sample.tag_count);
  }
  char name_buffer[256];
  if (check == DirectTagsCheck::taken && join_name(p, sample.name, name_buffer)) [[likely]] {
    emit_direct(record, p, p.direct, sample);
    return true;
  }
  return false;
}

// Inlined into each of the Client's metric calls below. Small on purpose: a call that its
// own rate samples out returns from here without the delivering path's frame.
[[gnu::always_inline]] inline void ClientCore::record(metrics_kind_t kind, std::string_view key,
                                                      double value, const CallOptions& options,
                                                      std::string_view member) noexcept {
  ThreadRecord* record = current_thread_record();
  if (dropped_by_call_rate(record, options.sample_rate)) [[unlikely]]
    return;
  if (kind == METRICS_KIND_SET)
    send_set(record, key, value, member, options);
  else
    send(record, kind, key, value, options);
}

void ClientCore::send(ThreadRecord* record, metrics_kind_t kind, std::string_view key, double value,
                      const CallOptions& options) noexcept {
  send_sample(record, kind, key, value, {}, options);
}

void ClientCore::send_set(ThreadRecord* record, std::string_view key, double value,
                          std::string_view member, const CallOptions& options) noexcept {
  send_sample(record, METRICS_KIND_SET, key, value, member, options);
}

// Sampling by the config's rate, then the direct path when the pipeline and the call allow
// it, else the general one.
[[gnu::always_inline]] inline void ClientCore::send_sample(ThreadRecord* record,
                                                           metrics_kind_t kind,
                                                           std::string_view key, double value,
                                                           std::string_view member,
                                                           const CallOptions& options) noexcept {
  ReadSection section(record);
  const Pipeline& p = *current_.load(std::memory_order_acquire);
  // A rate given by the call was decided in record(); otherwise the config's applies.
  double rate;
  if (!pass_rate(record, options.sample_rate, p, rate)) return;
  // The sample's own fields are stored first, so that the tag loop below has registers to
  // spare; the general path reads them back from it.
  alignas(64) metrics_sample_t sample;
  sample.struct_size = sizeof(metrics_sample_t);
  sample.kind = static_cast<uint32_t>(kind);
  sample.name = {key.data(), key.size()};
  sample.value = value;
  sample.sample_rate = rate;
  sample.unit = {options.unit.data(), options.unit.size()};
  sample.instance = {options.instance.data(), options.instance.size()};
  sample.set_member = {member.data(), member.size()};
  sample.timestamp_unix_ns = 0;
  if (p.direct.emit != nullptr && record->scopes == nullptr) [[likely]] {
    if (emit_merged(record, p, sample, options, nullptr, 0)) [[likely]]
      return;
  }
  // Scoped calls too, unless deliver() finds that their scope allows the direct path (see
  // emit_scoped): the branch is kept out of this frame, which every call pays for.
  deliver(record, p, sample, options);
}

// The direct path with the thread's scoped tags after the base tags, tried first by
// deliver(): out of line, so that the unscoped call's frame and code stay as they are.
bool ClientCore::emit_scoped(ThreadRecord* record, const Pipeline& p, const metrics_sample_t& call,
                             const CallOptions& options) noexcept {
  const ScopeFrame& scope = *record->scopes;
  metrics_sample_t sample = call;
  return emit_merged(record, p, sample, options, scope.merged.data(), scope.merged.size());
}

}  // namespace metrics::detail

namespace metrics {

void Client::incr(std::string_view key, double amount, const CallOptions& options) noexcept {
  core_->record(METRICS_KIND_COUNTER, key, amount, options);
}
void Client::gauge(std::string_view key, double value, const CallOptions& options) noexcept {
  core_->record(METRICS_KIND_GAUGE, key, value, options);
}
void Client::timing(std::string_view key, double milliseconds,
                    const CallOptions& options) noexcept {
  core_->record(METRICS_KIND_TIMING, key, milliseconds, options);
}
void Client::distribution(std::string_view key, double value, const CallOptions& options) noexcept {
  core_->record(METRICS_KIND_DISTRIBUTION, key, value, options);
}
void Client::set(std::string_view key, std::string_view member,
                 const CallOptions& options) noexcept {
  core_->record(METRICS_KIND_SET, key, 0, options, member);
}
void Client::set(std::string_view key, int64_t member, const CallOptions& options) noexcept {
  char buffer[32];
  std::string_view text = TagValue(member).format(buffer, sizeof(buffer));
  core_->record(METRICS_KIND_SET, key, static_cast<double>(member), options, text);
}

}  // namespace metrics
