// The optional parts of a metric call, as Sentry's keyword arguments.
#pragma once

#include <metrics/tags.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace metrics {

namespace detail {
/// Sixteen bytes that initialisation leaves unwritten (a user-provided constructor that
/// does nothing), so that no store lands there.
struct UnwrittenGap16 {
  UnwrittenGap16() noexcept {}
  unsigned char bytes[16];
};
}  // namespace detail

/// Keyword arguments of a call, written with designated initializers:
///
///     metrics::incr("jobs.finished", 1, {.tags = {{"kind", kind}}, .sample_rate = 0.1});
///
/// Like std::string_view it borrows: build it inside the call it is passed to.
struct alignas(16) CallOptions {
  TagList tags{};
  /// Layout, not data: see the note at the end of this struct.
  detail::UnwrittenGap16 gap_{};
  /// Becomes the tag `instance:<value>`, or a `.<value>` name suffix on plain statsd.
  std::string_view instance{};
  /// Overrides the configured sample rate for this call; in (0, 1].
  std::optional<double> sample_rate{};
  /// Unit of a distribution ("millisecond", "byte", ...).
  std::string_view unit{};
  /// As Sentry's `skip_internal`: when false, the call also reaches the internal hook
  /// (see Client::set_internal_hook), unless its key starts with one of the configured
  /// `skip_internal_prefixes`.
  bool skip_internal = true;

  // Why gap_: the caller writes this struct just before the call, and the framework reads
  // it at once. GCC merges two adjacent constant fields into one 16-byte store; at an
  // offset of 8 modulo 16 (tags.size with instance, as the fields fell without gap_) such
  // a store crosses a cache line in one stack position out of four, and the framework's
  // load of either field then cannot be forwarded from it and waits: calls into DogStatsD
  // took 46 ns instead of 24 in those positions. With the struct 16-aligned and gap_
  // keeping every pair of 8-byte fields that may merge at a multiple of 16, no such store
  // crosses a line.
};

enum class AlertType : uint32_t { info = 0, warning = 1, error = 2, success = 3 };
enum class Priority : uint32_t { normal = 0, low = 1 };

/// The optional parts of an event.
struct EventOptions {
  TagList tags{};
  AlertType alert_type = AlertType::info;
  Priority priority = Priority::normal;
  int64_t timestamp_unix_s = 0;  ///< 0: the receiver's time
  std::string_view hostname{};
  std::string_view aggregation_key{};
  std::string_view source_type_name{};
};

}  // namespace metrics
