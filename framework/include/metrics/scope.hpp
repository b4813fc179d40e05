// Tags that apply to every metric the current thread sends while a scope is alive.
#pragma once

#include <metrics/tags.hpp>

namespace metrics {

/// Thread-scoped tags (Sentry's `global_tags(...)` context manager): every call made on
/// this thread while the object lives gets them; inner scopes win over outer ones, and
/// call tags win over both.
///
///     metrics::ScopedTags scope({{"task", "reindex"}});
class ScopedTags {
 public:
  explicit ScopedTags(TagList tags);
  ~ScopedTags();
  ScopedTags(const ScopedTags&) = delete;
  ScopedTags& operator=(const ScopedTags&) = delete;

 private:
  void* frame_;  // the thread's scope frame; see framework/src/scoped_tags.cpp
};

}  // namespace metrics
