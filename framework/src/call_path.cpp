// The hot path of every metric call. Budget: a few nanoseconds and no allocation for a
// call with up to 8 tags (see bench/framework and tests/framework/allocation_test.cpp).
#include "client_core.hpp"
#include "direct_tags.hpp"
#include "log.hpp"

#include <metrics/sdk/views.hpp>

#include <algorithm>
#include <cstring>

namespace metrics::detail {

namespace {

// Uniform double in [0, 1): the top 53 bits of the thread's own 64-bit linear congruential
// generator (Knuth's MMIX constants). The high bits of an LCG are well distributed, which
// is all a keep-or-drop decision needs, and a step is one multiply-add.
inline double next_unit(ThreadRecord* r) noexcept {
  r->rng_state = r->rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<double>(r->rng_state >> 11) * 0x1.0p-53;
}

// Sentry's rule: keep when rate >= 1, else with probability `rate` (never when rate <= 0
// or NaN: no draw is below those).
inline bool keep_sample(ThreadRecord* r, double rate) noexcept {
  return rate >= 1.0 || next_unit(r) < rate;
}

// Lives on the caller's stack; kept well under 4 KiB so that the compiler's stack-clash
// probing (on by default in Debian's GCC) does not add a probe loop to every call.
struct TagScratch {
  static constexpr size_t kMaxTags = 48;
  static constexpr size_t kTextBytes = 1024;
  static constexpr size_t kNumberBytes = 32;
  metrics_tag_t tags[kMaxTags];
  size_t count = 0;
  char text[kTextBytes];
  size_t text_used = 0;
  size_t lost = 0;  // tags beyond kMaxTags

  void put(std::string_view key, std::string_view value) noexcept {
    for (size_t i = 0; i < count; ++i) {
      if (tags[i].key.size == key.size() &&
          std::memcmp(tags[i].key.data, key.data(), key.size()) == 0) {
        tags[i].value = {value.data(), value.size()};
        return;
      }
    }
    if (count == kMaxTags) {
      ++lost;
      return;
    }
    tags[count++] = {{key.data(), key.size()}, {value.data(), value.size()}};
  }

  std::string_view text_of(const TagValue& v) noexcept {
    if (v.type() == TagValue::Type::string) return v.string();
    if (kTextBytes - text_used < kNumberBytes) {
      ++lost;
      return {};
    }
    std::string_view s = v.format(text + text_used, kNumberBytes);
    text_used += s.size();
    return s;
  }
};

enum class TagVerdict { ok, dropped_bad_tag };

// Sentry's bad-tag rule for one tag: true to keep going (the tag was added, or stripped in
// lenient mode), false when strict mode drops the metric.
inline bool add_checked(const Config& c, TagScratch& out, std::string_view key,
                        std::string_view value, std::string_view& bad_key) noexcept {
  if (is_bad_tag_key(key, c.allowed_bad_tags)) [[unlikely]] {
    bad_key = key;
    return !c.disallow_bad_tags;
  }
  out.put(key, value);
  return true;
}

// The thread's ScopedTags frames, outermost first. Out of line: most calls have none.
[[gnu::noinline]] bool merge_scoped(const Config& c, const ScopeFrame* innermost, TagScratch& out,
                                    std::string_view& bad_key) noexcept {
  const ScopeFrame* frames[32];
  size_t depth = 0;
  for (const ScopeFrame* f = innermost; f != nullptr && depth < 32; f = f->outer)
    frames[depth++] = f;
  while (depth-- > 0)
    for (const auto& [k, v] : frames[depth]->tags)
      if (!add_checked(c, out, k, v, bad_key)) return false;
  return true;
}

// Merges base, scoped and call tags (later wins, first position kept, as a Python dict
// update does) and applies the bad-tag rule.
[[gnu::always_inline]] inline TagVerdict merge_tags(const Pipeline& p, const ScopeFrame* innermost,
                                                    TagList call, TagScratch& out,
                                                    std::string_view& bad_key) noexcept {
  const Config& c = p.config;
  const size_t base = std::min(p.base_views.size(), TagScratch::kMaxTags);
  if (base != 0) std::memcpy(out.tags, p.base_views.data(), base * sizeof(metrics_tag_t));
  out.count = base;
  if (innermost != nullptr && !merge_scoped(c, innermost, out, bad_key)) [[unlikely]]
    return TagVerdict::dropped_bad_tag;
  for (const Tag& t : call)
    if (!add_checked(c, out, t.key, out.text_of(t.value), bad_key)) [[unlikely]]
      return TagVerdict::dropped_bad_tag;
  return TagVerdict::ok;
}

[[gnu::cold, gnu::noinline]] void report_bad_tag(TelemetryStore& telemetry, std::string_view name,
                                                 std::string_view bad_key) noexcept {
  telemetry.add("dropped.bad_tags", 1);
  try {
    log_limited(spdlog::level::warn, "bad-tag-strict",
                "metrics: dropped '" + std::string(name) + "': tag '" + std::string(bad_key) +
                    "' is not allowed (keys ending in _id, and event, project, group) while "
                    "disallow_bad_tags = true");
  } catch (...) {
  }
}

[[gnu::cold, gnu::noinline]] void report_lost_tags(TelemetryStore& telemetry, std::string_view name,
                                                   size_t lost) noexcept {
  telemetry.add("tags.lost", static_cast<int64_t>(lost));
  try {
    log_limited(spdlog::level::warn, "tags-lost",
                "metrics: '" + std::string(name) + "' has more tags than a call can carry (" +
                    std::to_string(TagScratch::kMaxTags) + "); the rest were left out");
  } catch (...) {
  }
}

[[gnu::cold, gnu::noinline]] void report_emit_status(TelemetryStore& telemetry,
                                                     const Backend& backend, std::string_view name,
                                                     int32_t status) noexcept {
  if (status == METRICS_ERR_DROPPED) {
    // The plugin counted the cause itself ("dropped.<cause>"); this counts the emits it
    // refused, outside the dropped.* family so that summing causes counts each drop once.
    telemetry.add("backend_refused", 1);
    return;
  }
  telemetry.add("backend_errors", 1);
  try {
    log_limited(spdlog::level::err, "emit-failed|" + backend.name(),
                "metrics: backend " + backend.name() + " failed to take '" + std::string(name) +
                    "' (status " + std::to_string(status) + ")");
  } catch (...) {
  }
}

}  // namespace

DirectTagsCheck take_tags_formatting_floating(const std::vector<metrics_tag_t>& base, TagList call,
                                              DirectTags& out) noexcept {
  return take_tags<true>(base, call, out);
}

namespace {

// A name longer than the stack buffer: rare, so it may allocate.
[[gnu::cold, gnu::noinline]] bool join_long_name(const Pipeline& p, std::string_view key,
                                                 std::string& out) noexcept {
  try {
    out.reserve(p.config.prefix.size() + key.size());
    out.append(p.config.prefix).append(key);
    return true;
  } catch (...) {
    return false;
  }
}

// Puts the prefix before `name` (the key), in `buffer`; false, leaving `name` alone, when
// the full name does not fit.
[[gnu::always_inline]] inline bool join_name(const Pipeline& p, metrics_str_t& name,
                                             char (&buffer)[256]) noexcept {
  const std::string& prefix = p.config.prefix;
  if (prefix.empty()) [[likely]]
    return true;
  if (prefix.size() + name.size > sizeof(buffer)) return false;
  std::memcpy(buffer, prefix.data(), prefix.size());
  std::memcpy(buffer + prefix.size(), name.data, name.size);
  name = {buffer, prefix.size() + name.size};
  return true;
}

}  // namespace

// Inlined into each of the Client's metric calls below. Small on purpose: a call that its
// own rate samples out returns from here without the delivering path's frame.
[[gnu::always_inline]] inline void ClientCore::record(metrics_kind_t kind, std::string_view key,
                                                      double value, const CallOptions& options,
                                                      std::string_view member) noexcept {
  ThreadRecord* record = current_thread_record();
  if (options.sample_rate && !keep_sample(record, *options.sample_rate)) [[unlikely]] {
    bump(telemetry_->counters_for(record).sampled_out);
    return;
  }
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
  ReadSectionGuard section(record);
  const Pipeline& p = *current_.load(std::memory_order_acquire);
  // A rate given by the call was decided in record(); otherwise the config's applies.
  double rate = 1.0;
  if (options.sample_rate) [[unlikely]] {
    rate = std::min(*options.sample_rate, 1.0);
  } else if (p.config.sample_rate < 1.0) [[unlikely]] {
    rate = p.config.sample_rate;
    if (!keep_sample(record, rate)) {
      bump(telemetry_->counters_for(record).sampled_out);
      return;
    }
  }
  if (p.direct.emit != nullptr && record->scopes == nullptr) [[likely]] {
    // The sample's own fields are stored first, so that the tag loop below has registers
    // to spare; a call that turns to the general path reads them back from it.
    metrics_sample_t sample;
    sample.struct_size = sizeof(metrics_sample_t);
    sample.kind = static_cast<uint32_t>(kind);
    sample.name = {key.data(), key.size()};
    sample.value = value;
    sample.sample_rate = rate;
    sample.unit = {options.unit.data(), options.unit.size()};
    sample.instance = {options.instance.data(), options.instance.size()};
    sample.set_member = {member.data(), member.size()};
    sample.timestamp_unix_ns = 0;
    DirectTags tags;
    DirectTagsCheck check = take_tags<false>(p.base_views, options.tags, tags);
    if (check == DirectTagsCheck::has_floating) [[unlikely]]
      check = take_tags_formatting_floating(p.base_views, options.tags, tags);
    char name_buffer[256];
    if (check == DirectTagsCheck::taken && join_name(p, sample.name, name_buffer)) [[likely]] {
      sample.tags = tags.tags;
      sample.tag_count = tags.count;
      const int32_t status = p.direct.emit(p.direct.instance, &sample);
      if (status == METRICS_OK) [[likely]]
        bump(telemetry_->counters_for(record).direct);
      else
        direct_emit_failed(record, p, sample, status);
      return;
    }
    deliver(record, p, rate, static_cast<metrics_kind_t>(sample.kind),
            std::string_view(sample.name.data, sample.name.size), sample.value,
            std::string_view(sample.set_member.data, sample.set_member.size), options);
    return;
  }
  deliver(record, p, rate, kind, key, value, member, options);
}

void ClientCore::direct_emit_failed(ThreadRecord* record, const Pipeline& p,
                                    const metrics_sample_t& sample, int32_t status) noexcept {
  bump(telemetry_->counters_for(record).direct_failed);
  report_emit_status(*telemetry_, *p.routes.front().backend,
                     std::string_view(sample.name.data, sample.name.size), status);
}

void ClientCore::deliver(ThreadRecord* record, const Pipeline& p, double rate, metrics_kind_t kind,
                         std::string_view key, double value, std::string_view member,
                         const CallOptions& options) noexcept {
  HotCounters& counters = telemetry_->counters_for(record);
  bump(counters.general);

  // The full name, on the stack unless it is unusually long.
  char name_buffer[256];
  metrics_str_t full_name{key.data(), key.size()};
  std::string_view name;
  if (join_name(p, full_name, name_buffer)) [[likely]] {
    name = std::string_view(full_name.data, full_name.size);
  } else {
    thread_local std::string long_name;
    long_name.clear();
    if (!join_long_name(p, key, long_name)) {
      telemetry_->add("dropped.out_of_memory", 1);
      return;
    }
    name = long_name;
  }

  TagScratch tags;
  std::string_view bad_key;
  if (merge_tags(p, record->scopes, options.tags, tags, bad_key) != TagVerdict::ok) [[unlikely]] {
    report_bad_tag(*telemetry_, name, bad_key);
    return;
  }
  if (!bad_key.empty()) [[unlikely]]
    telemetry_->add("tags.stripped_bad", 1);
  if (tags.lost != 0) [[unlikely]]
    report_lost_tags(*telemetry_, name, tags.lost);

  const metrics_sample_t sample{sizeof(metrics_sample_t),
                                static_cast<uint32_t>(kind),
                                {name.data(), name.size()},
                                value,
                                rate,
                                {options.unit.data(), options.unit.size()},
                                {options.instance.data(), options.instance.size()},
                                tags.tags,
                                tags.count,
                                {member.data(), member.size()},
                                0};
  for (const Route& route : p.routes) {
    if (!route.accepts(key)) continue;
    const int32_t status = route.backend->emit(sample);
    if (status == METRICS_OK) [[likely]]
      bump(counters.general_emits);
    else
      report_emit_status(*telemetry_, *route.backend, name, status);
  }

  if (!options.skip_internal && p.internal_hook.fn != nullptr) [[unlikely]] {
    for (const auto& skip : p.config.skip_internal_prefixes)
      if (key.starts_with(skip)) return;
    p.internal_hook.fn(p.internal_hook.context,
                       metrics::sdk::name_of(static_cast<metrics::sdk::Kind>(kind)), name, value);
  }
}

void ClientCore::record_event(std::string_view title, std::string_view text,
                              const EventOptions& options) noexcept {
  ThreadRecord* record = current_thread_record();
  ReadSectionGuard section(record);
  const Pipeline* p = current_.load(std::memory_order_acquire);
  TagScratch tags;
  std::string_view bad_key;
  if (merge_tags(*p, record->scopes, options.tags, tags, bad_key) == TagVerdict::ok) {
    const metrics_event_t event{sizeof(metrics_event_t),
                                static_cast<uint32_t>(options.alert_type),
                                {title.data(), title.size()},
                                {text.data(), text.size()},
                                tags.tags,
                                tags.count,
                                options.timestamp_unix_s,
                                static_cast<uint32_t>(options.priority),
                                0,
                                {options.hostname.data(), options.hostname.size()},
                                {options.aggregation_key.data(), options.aggregation_key.size()},
                                {options.source_type_name.data(), options.source_type_name.size()}};
    for (const Route& route : p->routes) {
      if (!route.backend->has_events()) continue;
      int32_t status = route.backend->event(event);
      if (status != METRICS_OK) telemetry_->add("backend_errors", 1);
    }
  } else {
    telemetry_->add("dropped.bad_tags", 1);
  }
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
