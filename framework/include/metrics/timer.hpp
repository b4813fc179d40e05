// Timing a block of code or a callable, as Sentry's metrics.timer() and metrics.wraps().
#pragma once

#include <metrics/client.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace metrics {

/// Measures from construction to destruction with a monotonic clock and reports the
/// milliseconds through timing(), with the tag result:success, or result:failure when the
/// scope is left by an exception. Tags can be added before it ends. A timer allocates
/// nothing while its key, instance and tags fit in 192 bytes and 8 tags.
///
///     {
///       auto t = client.timer("db.query", {{"table", "users"}});
///       t.add_tag("rows", rows);
///     }
class Timer {
 public:
  Timer(Client& client, std::string_view key, TagList tags, const CallOptions& options);
  Timer(Timer&& other) noexcept;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  Timer& operator=(Timer&&) = delete;
  ~Timer();

  /// Adds (or replaces) a tag reported when the timer ends.
  Timer& add_tag(std::string_view key, TagValue value);
  /// Reports now with an explicit result instead of waiting for the end of scope.
  void stop(bool success = true) noexcept;
  std::chrono::steady_clock::duration elapsed() const noexcept {
    return std::chrono::steady_clock::now() - start_;
  }

 private:
  /// Where a piece of the timer's text starts in text_, and its size.
  struct Piece {
    uint16_t at = 0;
    uint16_t size = 0;
  };
  /// What the timer keeps when its text outgrows text_ or its tags kInlineTags.
  struct Overflow {
    std::string key;
    std::string instance;
    OwnedTags tags;
  };
  static constexpr size_t kInlineText = 192;
  static constexpr size_t kInlineTags = 8;

  std::string_view text(Piece p) const noexcept { return {text_ + p.at, p.size}; }
  /// Copies `s` into text_; false when it does not fit.
  bool keep(std::string_view s, Piece& out) noexcept;
  /// Moves the key, instance and tags to overflow_ (allocates).
  void spill();

  Client* client_;
  std::optional<double> sample_rate_;
  bool skip_internal_;
  bool done_ = false;
  int uncaught_at_start_;
  std::chrono::steady_clock::time_point start_;
  // The key, instance and tags, held inline so that a timer allocates nothing in the
  // common case; offsets rather than pointers, so that a moved timer needs no fix-up.
  // Unused once overflow_ is set.
  Piece key_;
  Piece instance_;
  Piece tag_keys_[kInlineTags];
  Piece tag_values_[kInlineTags];
  uint16_t tag_count_ = 0;
  uint16_t text_used_ = 0;
  char text_[kInlineText];
  std::unique_ptr<Overflow> overflow_;
};

/// Returns a callable that times every call of `fn` (Sentry's `metrics.wraps`), passing
/// its result and its exceptions through.
///
///     auto load = metrics::wraps(client, "cache.load", [&](int id) { return fetch(id); });
template <class F>
auto wraps(Client& client, std::string key, F fn, OwnedTags tags = {}) {
  return [&client, key = std::move(key), fn = std::move(fn),
          tags = std::move(tags)](auto&&... args) mutable -> decltype(auto) {
    Timer t(client, key, TagList(), {});
    for (const auto& [k, v] : tags) t.add_tag(k, v);
    return fn(std::forward<decltype(args)>(args)...);
  };
}

}  // namespace metrics
