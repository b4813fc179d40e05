// Line encoding: pure append functions over a bounded Writer, for plain statsd (with its
// tag dialects) and DogStatsD metrics and events. Nothing here allocates or keeps state.
#pragma once

#include <metrics/abi.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace metrics::wire {

/// Appends into a fixed span of memory and never writes past its end: a write that does
/// not fit sets overflowed() and is discarded, as is every write after it. The caller
/// rolls back by not committing size().
class Writer {
 public:
  Writer(char* begin, size_t capacity) noexcept
      : begin_(begin), pos_(begin), end_(begin + capacity) {}

  size_t size() const noexcept { return static_cast<size_t>(pos_ - begin_); }
  bool overflowed() const noexcept { return overflow_; }
  const char* data() const noexcept { return begin_; }
  std::string_view view() const noexcept { return {begin_, size()}; }

  void put(char c) noexcept {
    if (pos_ < end_) [[likely]]
      *pos_++ = c;
    else
      overflow_ = true;
  }
  void put(std::string_view s) noexcept {
    if (s.size() <= static_cast<size_t>(end_ - pos_)) [[likely]] {
      std::memcpy(pos_, s.data(), s.size());
      pos_ += s.size();
    } else {
      overflow_ = true;
    }
  }
  /// Copies `s`, each byte passed through `map` (a 256-entry translation table).
  void put_mapped(std::string_view s, const char* map) noexcept {
    if (s.size() <= static_cast<size_t>(end_ - pos_)) [[likely]] {
      // Local pointers: a store through char* may alias anything, members included.
      char* __restrict out = pos_;
      const auto* __restrict in = reinterpret_cast<const unsigned char*>(s.data());
      const char* __restrict m = map;
      const size_t n = s.size();
      for (size_t i = 0; i < n; ++i) out[i] = m[in[i]];
      pos_ = out + n;
    } else {
      overflow_ = true;
    }
  }
  void put_int(int64_t v) noexcept;
  /// Shortest text that reads back as `v`; integral values without a decimal point.
  void put_number(double v) noexcept;

 private:
  char* begin_;
  char* pos_;
  char* end_;
  bool overflow_ = false;
};

/// A byte translation table: identity except for the listed characters, which become '_'.
struct CharMap {
  std::array<char, 256> map{};
  constexpr explicit CharMap(std::string_view bad) {
    for (size_t i = 0; i < 256; ++i) map[i] = static_cast<char>(i);
    for (char c : bad) map[static_cast<unsigned char>(c)] = '_';
  }
  const char* data() const noexcept { return map.data(); }
};

/// How plain statsd carries tags.
enum class TagFormat : uint8_t {
  none,       // dropped, as Sentry's statsd backend does
  graphite,   // name;k=v;k2=v2:1|c
  influx,     // name,k=v,k2=v2:1|c (Telegraf)
  dogstatsd,  // name:1|c|#k:v,k2:v2
};
/// "none", "graphite", "influx", "dogstatsd"; false when unknown.
bool parse_tag_format(std::string_view text, TagFormat& out) noexcept;

/// The metric types of the wire, as the DogStatsD protocol spells them.
enum class MetricType : uint8_t { count, gauge, timing, histogram, set, distribution };
std::string_view type_code(MetricType t) noexcept;  // "c", "g", "ms", "h", "s", "d"
std::string_view type_name(MetricType t) noexcept;  // "count", "gauge", ... for telemetry

/// True for finite numbers; NaN and infinities cannot be written.
inline bool is_writable(double v) noexcept {
  return std::isfinite(v);
}

// ---- plain statsd ----------------------------------------------------------------------

struct StatsdLine {
  std::string_view name;
  std::string_view instance;  // becomes a ".instance" name suffix
  MetricType type = MetricType::count;
  double value = 0;
  std::string_view set_member;  // MetricType::set
  double sample_rate = 1.0;     // written as |@rate for counters and timings when < 1
  const metrics_tag_t* tags = nullptr;
  size_t tag_count = 0;
  TagFormat tag_format = TagFormat::none;
};

/// One statsd line (two for a negative gauge: "name:0|g\nname:-V|g"), no trailing newline.
void append_statsd(Writer& w, const StatsdLine& line) noexcept;

// ---- DogStatsD ---------------------------------------------------------------------------

/// Constant tags, pre-encoded once ("env:prod,service:web"), with their keys, which win over
/// a call tag of the same key.
struct ConstantTags {
  std::string encoded;
  std::span<const std::string> keys;
};

struct DogStatsdLine {
  std::string_view name;
  MetricType type = MetricType::count;
  double value = 0;
  std::string_view set_member;
  double sample_rate = 1.0;  // written as |@rate when < 1
  const metrics_tag_t* tags = nullptr;
  size_t tag_count = 0;
  std::string_view instance;  // becomes the tag instance:<value>
  const ConstantTags* constant_tags = nullptr;
};

/// The name part of a DogStatsD line, sanitised.
void append_dogstatsd_name(Writer& w, std::string_view name) noexcept;
/// "|#k:v,..." (call tags, the instance tag, constant tags), or nothing when there is none.
void append_dogstatsd_tags(Writer& w, const metrics_tag_t* tags, size_t tag_count,
                           std::string_view instance, const ConstantTags* constant) noexcept;
/// name:V|type|@rate|#tags
void append_dogstatsd(Writer& w, const DogStatsdLine& line) noexcept;

/// head:value|type tail (or head:member|s tail): one line of an aggregated context.
void append_context_line(Writer& w, std::string_view head, std::string_view tail, MetricType type,
                         double value, std::string_view member) noexcept;

struct DogStatsdEvent {
  std::string_view title;
  std::string_view text;
  int64_t timestamp_unix_s = 0;
  std::string_view hostname;
  std::string_view aggregation_key;
  bool low_priority = false;
  std::string_view source_type_name;
  std::string_view alert_type;  // "info" (left out), "warning", "error", "success"
  const metrics_tag_t* tags = nullptr;
  size_t tag_count = 0;
  const ConstantTags* constant_tags = nullptr;
};

/// _e{len(title),len(text)}:title|text|d:..|h:..|k:..|p:low|s:..|t:..|#tags
/// Newlines in title and text are written as the two characters "\n", lengths counted after.
void append_dogstatsd_event(Writer& w, const DogStatsdEvent& e) noexcept;

/// Encodes constant tags ("k:v" each, sanitised) for ConstantTags::encoded.
std::string encode_constant_tags(std::span<const std::pair<std::string, std::string>> tags);

/// Test helper: runs `fn(Writer&)` over a buffer of `capacity` bytes and returns the text,
/// or "<overflow>".
template <class F>
std::string encode(F&& fn, size_t capacity = 65536) {
  std::string out(capacity, '\0');
  Writer w(out.data(), out.size());
  fn(w);
  if (w.overflowed()) return "<overflow>";
  out.resize(w.size());
  return out;
}

}  // namespace metrics::wire
