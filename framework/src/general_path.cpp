// The general path of a metric call: scoped tags, Sentry's bad-tag rule with stripping or
// dropping, names too long for the stack, several routes, the internal hook; events; and
// the cold reports both paths use. Reached from call_path.cpp.
#include "call_path.hpp"
#include "client_core.hpp"
#include "log.hpp"

#include <metrics/sdk/views.hpp>

#include <algorithm>
#include <cstring>

namespace metrics::detail {

namespace {

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
    if (count == kMaxTags && find_key(tags, count, key) == count) [[unlikely]] {
      ++lost;
      return;
    }
    count = put_tag(tags, count, key, value);
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
    if (!add_checked(c, out, t.key(), out.text_of(t.value()), bad_key)) [[unlikely]]
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

}  // namespace

void ClientCore::direct_emit_failed(ThreadRecord* record, const Pipeline& p,
                                    const metrics_sample_t& sample, int32_t status) noexcept {
  bump(telemetry_->counters_for(record).direct_failed);
  report_emit_status(*telemetry_, *p.routes.front().backend,
                     std::string_view(sample.name.data, sample.name.size), status);
}

void ClientCore::deliver(ThreadRecord* record, const Pipeline& p, const metrics_sample_t& call,
                         const CallOptions& options) noexcept {
  if (p.direct.emit != nullptr && record->scopes != nullptr && record->scopes->direct &&
      emit_scoped(record, p, call, options))
    return;
  HotCounters& counters = telemetry_->counters_for(record);
  bump(counters.general);
  const std::string_view key(call.name.data, call.name.size);

  // The full name, on the stack unless it is unusually long.
  metrics_sample_t sample = call;
  char name_buffer[256];
  if (!join_name(p, sample.name, name_buffer)) [[unlikely]] {
    thread_local std::string long_name;
    long_name.clear();
    if (!join_long_name(p, key, long_name)) {
      telemetry_->add("dropped.out_of_memory", 1);
      return;
    }
    sample.name = {long_name.data(), long_name.size()};
  }
  const std::string_view name(sample.name.data, sample.name.size);

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

  sample.tags = tags.tags;
  sample.tag_count = tags.count;
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
                       metrics::sdk::name_of(static_cast<metrics::sdk::Kind>(sample.kind)), name,
                       sample.value);
  }
}

void ClientCore::record_event(std::string_view title, std::string_view text,
                              const EventOptions& options) noexcept {
  ThreadRecord* record = current_thread_record();
  ReadSection section(record);
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
