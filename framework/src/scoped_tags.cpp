#include <metrics/scope.hpp>

#include "bad_tags.hpp"
#include "client_core.hpp"
#include "direct_tags.hpp"

#include <algorithm>
#include <memory>

namespace metrics {

ScopedTags::ScopedTags(TagList tags) {
  detail::ThreadRecord* record = detail::current_thread_record();
  auto frame = std::make_unique<detail::ScopeFrame>();
  frame->tags = to_owned(tags);
  frame->outer = record->scopes;
  if (frame->outer != nullptr) frame->merged = frame->outer->merged;
  for (const auto& [k, v] : frame->tags) {
    const metrics_tag_t tag{{k.data(), k.size()}, {v.data(), v.size()}};
    const size_t at = detail::find_key(frame->merged.data(), frame->merged.size(), k);
    if (at == frame->merged.size())
      frame->merged.push_back(tag);
    else
      frame->merged[at] = tag;
  }
  frame->direct = frame->merged.size() <= detail::DirectTags::kMaxScopedTags &&
                  std::none_of(frame->merged.begin(), frame->merged.end(), [](const auto& t) {
                    return detail::has_bad_tag_shape({t.key.data, t.key.size});
                  });
  record->scopes = frame.get();
  frame_ = frame.release();
}

ScopedTags::~ScopedTags() {
  auto* frame = static_cast<detail::ScopeFrame*>(frame_);
  detail::ThreadRecord* record = detail::t_record;
  // Scopes nest on one thread, so the innermost one is always the one ending.
  if (record != nullptr && record->scopes == frame) record->scopes = frame->outer;
  delete frame;
}

}  // namespace metrics
