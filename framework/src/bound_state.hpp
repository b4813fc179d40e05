// What a BoundMetric holds (its key and options, owned) and the form of it prepared for
// one pipeline, which its calls hand to the backend with only the value filled in.
#pragma once

#include <metrics/abi.h>
#include <metrics/call_options.hpp>
#include <metrics/tags.hpp>

#include "backend.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace metrics::detail {

class ClientCore;
struct Pipeline;

/// A BoundMetric's calls on one pipeline: the prefixed name, the base tags merged with the
/// bound ones, and the sample with everything but kind, value and rate filled in. Built by
/// the thread that publishes the pipeline; immutable afterwards.
struct PreparedBound {
  const Pipeline* pipeline = nullptr;
  std::string name;
  std::vector<metrics_tag_t> tags;
  metrics_sample_t sample{};
  DirectEmit emit;
};

struct BoundState {
  BoundState(std::string_view key, const CallOptions& options);
  ~BoundState();  // detaches from the client
  BoundState(const BoundState&) = delete;
  BoundState& operator=(const BoundState&) = delete;

  std::string key;
  OwnedTags owned_tags;
  std::vector<Tag> tag_views;  ///< of owned_tags
  std::string instance;
  std::string unit;
  CallOptions options;  ///< the options as given, viewing the members above
  /// Set while attached; cleared under the client's writer lock when the client goes.
  ClientCore* core = nullptr;
  /// For the pipeline in force, or null when calls take the keyword call's path.
  std::atomic<const PreparedBound*> prepared{nullptr};
};

/// The prepared form of `bound` on `p`, or null when its calls cannot skip the keyword
/// call's path there (no direct path on `p`, or a bound tag key of the bad-tag shape,
/// which the general path strips or drops and counts).
std::unique_ptr<PreparedBound> prepare_bound(const BoundState& bound, const Pipeline& p);

}  // namespace metrics::detail
