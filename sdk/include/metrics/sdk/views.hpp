// Read-only C++ views over the ABI's sample and event structs, for plugin code.
#pragma once

#include <metrics/abi.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace metrics::sdk {

inline std::string_view to_view(metrics_str_t s) noexcept {
  return {s.data, s.size};
}
inline metrics_str_t to_str(std::string_view s) noexcept {
  return {s.data(), s.size()};
}

enum class Kind : uint32_t {
  counter = METRICS_KIND_COUNTER,
  gauge = METRICS_KIND_GAUGE,
  timing = METRICS_KIND_TIMING,
  distribution = METRICS_KIND_DISTRIBUTION,
  set = METRICS_KIND_SET,
};

/// "counter", "gauge", "timing", "distribution" or "set".
constexpr std::string_view name_of(Kind kind) noexcept {
  switch (kind) {
    case Kind::counter:
      return "counter";
    case Kind::gauge:
      return "gauge";
    case Kind::timing:
      return "timing";
    case Kind::distribution:
      return "distribution";
    case Kind::set:
      return "set";
  }
  return "unknown";
}

/// One tag as views; valid for the duration of the call that handed it over.
struct TagView {
  std::string_view key;
  std::string_view value;
};

/// A span of ABI tags that iterates as TagView.
class Tags {
 public:
  Tags() = default;
  Tags(const metrics_tag_t* tags, size_t count) noexcept : tags_(tags), count_(count) {}

  class iterator {
   public:
    explicit iterator(const metrics_tag_t* p) noexcept : p_(p) {}
    TagView operator*() const noexcept { return {to_view(p_->key), to_view(p_->value)}; }
    iterator& operator++() noexcept {
      ++p_;
      return *this;
    }
    bool operator==(const iterator&) const = default;

   private:
    const metrics_tag_t* p_;
  };

  iterator begin() const noexcept { return iterator(tags_); }
  iterator end() const noexcept { return iterator(tags_ + count_); }
  size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  TagView operator[](size_t i) const noexcept {
    return {to_view(tags_[i].key), to_view(tags_[i].value)};
  }
  const metrics_tag_t* data() const noexcept { return tags_; }

 private:
  const metrics_tag_t* tags_ = nullptr;
  size_t count_ = 0;
};

/// A sample as the host handed it over. Fields added after ABI 1.0 are read through
/// METRICS_HAS_FIELD so that an older host's smaller struct reads as "absent".
class Sample {
 public:
  explicit Sample(const metrics_sample_t& raw) noexcept : raw_(raw) {}

  Kind kind() const noexcept { return static_cast<Kind>(raw_.kind); }
  std::string_view name() const noexcept { return to_view(raw_.name); }
  double value() const noexcept { return raw_.value; }
  double sample_rate() const noexcept { return raw_.sample_rate; }
  std::string_view unit() const noexcept { return to_view(raw_.unit); }
  std::string_view instance() const noexcept { return to_view(raw_.instance); }
  Tags tags() const noexcept { return {raw_.tags, raw_.tag_count}; }
  std::string_view set_member() const noexcept { return to_view(raw_.set_member); }
  int64_t timestamp_unix_ns() const noexcept { return raw_.timestamp_unix_ns; }
  const metrics_sample_t& raw() const noexcept { return raw_; }

 private:
  const metrics_sample_t& raw_;
};

enum class AlertType : uint32_t {
  info = METRICS_ALERT_INFO,
  warning = METRICS_ALERT_WARNING,
  error = METRICS_ALERT_ERROR,
  success = METRICS_ALERT_SUCCESS,
};

/// "info", "warning", "error" or "success", as DogStatsD and the Datadog API spell them.
constexpr std::string_view name_of(AlertType type) noexcept {
  switch (type) {
    case AlertType::info:
      return "info";
    case AlertType::warning:
      return "warning";
    case AlertType::error:
      return "error";
    case AlertType::success:
      return "success";
  }
  return "info";
}

/// An event as the host handed it over.
class Event {
 public:
  explicit Event(const metrics_event_t& raw) noexcept : raw_(raw) {}

  AlertType alert_type() const noexcept { return static_cast<AlertType>(raw_.alert_type); }
  std::string_view title() const noexcept { return to_view(raw_.title); }
  std::string_view text() const noexcept { return to_view(raw_.text); }
  Tags tags() const noexcept { return {raw_.tags, raw_.tag_count}; }
  int64_t timestamp_unix_s() const noexcept { return raw_.timestamp_unix_s; }
  bool low_priority() const noexcept { return raw_.priority == METRICS_PRIORITY_LOW; }
  std::string_view hostname() const noexcept { return to_view(raw_.hostname); }
  std::string_view aggregation_key() const noexcept { return to_view(raw_.aggregation_key); }
  std::string_view source_type_name() const noexcept { return to_view(raw_.source_type_name); }
  const metrics_event_t& raw() const noexcept { return raw_; }

 private:
  const metrics_event_t& raw_;
};

}  // namespace metrics::sdk
