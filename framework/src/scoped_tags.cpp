#include <metrics/scope.hpp>

#include "client_core.hpp"

namespace metrics {

ScopedTags::ScopedTags(TagList tags) {
  detail::ThreadRecord* record = detail::current_thread_record();
  auto* frame = new detail::ScopeFrame{to_owned(tags), record->scopes};
  record->scopes = frame;
  frame_ = frame;
}

ScopedTags::~ScopedTags() {
  auto* frame = static_cast<detail::ScopeFrame*>(frame_);
  detail::ThreadRecord* record = detail::t_record;
  // Scopes nest on one thread, so the innermost one is always the one ending.
  if (record != nullptr && record->scopes == frame) record->scopes = frame->outer;
  delete frame;
}

}  // namespace metrics
