// The tags of a call on the direct path (see ClientCore::send_sample): the pipeline's base
// tags (config and global, checked when the pipeline was built) followed by the call's own,
// merged as a Python dict update (a repeated key keeps its first position and takes the
// later value). A call whose tags need more (a key of the bad-tag shape, more than
// kMaxCallTags tags) takes the general path, which strips or drops, and counts.
#pragma once

#include <metrics/abi.h>
#include <metrics/tags.hpp>

#include "call_path.hpp"
#include "number_text.hpp"
#include "pipeline.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace metrics::detail {

struct DirectTags {
  static constexpr size_t kMaxCallTags = 8;
  static constexpr size_t kMaxBaseTags = 16;
  static constexpr size_t kNumberBytes = 32;  // as TagValue::format asks
  metrics_tag_t tags[kMaxBaseTags + kMaxCallTags];
  char numbers[kMaxCallTags][kNumberBytes];  // the text of the call's numeric values
};

/// What take_tags found.
enum class DirectTagsCheck { taken, has_floating, needs_general_path };

/// Fills `out` with `base` then the call's tags, and `count` with their number. With
/// kFormatFloating false, integers and booleans are formatted inline and a floating value
/// stops the loop (has_floating: call take_tags_formatting_floating, which formats every
/// number through TagValue::format, out of line, so that the common loop has no call).
template <bool kFormatFloating>
[[gnu::always_inline]] inline DirectTagsCheck take_tags(const std::vector<metrics_tag_t>& base,
                                                        TagList call, DirectTags& out,
                                                        size_t& count) noexcept {
  if (call.size() > DirectTags::kMaxCallTags) return DirectTagsCheck::needs_general_path;
  size_t n = 0;
  if (!base.empty()) [[unlikely]] {
    n = base.size();
    for (size_t i = 0; i < n; ++i) out.tags[i] = base[i];
  }
  const Tag* in = call.begin();
  for (size_t i = 0; i < call.size(); ++i) {
    const Tag& t = in[i];
    if (has_bad_tag_shape(t.key)) return DirectTagsCheck::needs_general_path;
    std::string_view value;
    if (t.value.type() == TagValue::Type::string) [[likely]] {
      value = t.value.string();
    } else if constexpr (kFormatFloating) {
      value = t.value.format(out.numbers[i], DirectTags::kNumberBytes);
      if (value.data() == nullptr) return DirectTagsCheck::needs_general_path;
    } else {
      value = integer_text(t.value, out.numbers[i], DirectTags::kNumberBytes);
      if (value.data() == nullptr) return DirectTagsCheck::has_floating;
    }
    n = put_tag(out.tags, n, t.key, value);  // out.tags has room for every base and call tag
  }
  count = n;
  return DirectTagsCheck::taken;
}

/// take_tags<true>, out of line.
DirectTagsCheck take_tags_formatting_floating(const std::vector<metrics_tag_t>& base, TagList call,
                                              DirectTags& out, size_t& count) noexcept;

}  // namespace metrics::detail
