// The tags of a call on the direct path (see ClientCore::send_sample): the pipeline's base
// tags (config and global, checked when the pipeline was built), the thread's scoped tags
// (checked when their frame was made) and the call's own, merged as a Python dict update
// (a repeated key keeps its first position and takes the later value). A call whose tags need more
// (a key of the bad-tag shape, more than kMaxCallTags tags) takes the general path, which strips or
// drops, and counts.
#pragma once

#include <metrics/abi.h>
#include <metrics/tags.hpp>

#include "call_path.hpp"
#include "number_text.hpp"
#include "pipeline.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace metrics::detail {

struct DirectTags {
  static constexpr size_t kMaxCallTags = 8;
  static constexpr size_t kMaxBaseTags = 16;
  static constexpr size_t kMaxScopedTags = 16;
  static constexpr size_t kNumberBytes = 32;  // as TagValue::format asks
  metrics_tag_t tags[kMaxBaseTags + kMaxScopedTags + kMaxCallTags];
  char numbers[kMaxCallTags][kNumberBytes];  // the text of the call's numeric values
};

/// What take_tags found.
enum class DirectTagsCheck { taken, has_floating, needs_general_path };

// A Tag whose value is a string has metrics_tag_t's layout (see Tag; direct_path_test
// checks the fields), so an array of them is the ABI's tag array.
static_assert(sizeof(Tag) == sizeof(metrics_tag_t) && alignof(Tag) == alignof(metrics_tag_t));
static_assert(std::is_standard_layout_v<Tag> && std::is_trivially_copyable_v<Tag>);

/// The call's tags as the ABI's array; valid for tags with string values.
inline const metrics_tag_t* as_abi_tags(const Tag* tags) noexcept {
  return reinterpret_cast<const metrics_tag_t*>(tags);
}

/// True when the key of `tags[i]` is the key of an earlier one.
[[gnu::always_inline]] inline bool repeats_earlier_key(const Tag* tags, size_t i) noexcept {
  const std::string_view key = tags[i].key();
  for (size_t j = 0; j < i; ++j)
    if (tags[j].key().size() == key.size() &&
        same_bytes(tags[j].key().data(), key.data(), key.size()))
      return true;
  return false;
}

/// Sets `tags` and `count` to `base` followed by the call's tags. The common call, with no
/// base tags, string values and no repeated key, passes its own array (only loads); any
/// other is merged into `out`. With kFormatFloating false, integers and booleans are
/// formatted inline and a floating value stops the loop (has_floating: call
/// take_tags_formatting_floating, which formats every number through TagValue::format, out
/// of line, so that the common loop has no call).
/// `scoped` and `scoped_count`: the thread's scoped tags (ScopeFrame::merged), set after
/// the base tags; a caller without them passes nullptr and 0 as constants, so that none of
/// their code is left in its copy.
template <bool kFormatFloating>
[[gnu::always_inline]] inline DirectTagsCheck take_tags(const std::vector<metrics_tag_t>& base,
                                                        const metrics_tag_t* scoped,
                                                        size_t scoped_count, TagList call,
                                                        DirectTags& out, const metrics_tag_t*& tags,
                                                        size_t& count) noexcept {
  if (call.size() > DirectTags::kMaxCallTags) return DirectTagsCheck::needs_general_path;
  const Tag* in = call.begin();
  size_t i = 0;  // call tags taken
  size_t n = 0;  // tags in out.tags
  if (base.empty() && scoped_count == 0) [[likely]] {
    for (; i < call.size(); ++i) {
      if (has_bad_tag_shape(in[i].key())) return DirectTagsCheck::needs_general_path;
      if (in[i].value().type() != TagValue::Type::string || repeats_earlier_key(in, i)) break;
    }
    if (i == call.size()) [[likely]] {
      tags = i == 0 ? out.tags : as_abi_tags(in);  // never null
      count = i;
      return DirectTagsCheck::taken;
    }
    // Field by field: GCC would copy whole Tags with 16-byte loads, and a load that spans
    // two of the caller's 8-byte stores waits for them to retire.
    for (; n < i; ++n) {
      const std::string_view key = in[n].key(), value = in[n].value().string();
      out.tags[n] = {{key.data(), key.size()}, {value.data(), value.size()}};
    }
  } else {
    n = base.size();
    for (size_t k = 0; k < n; ++k) out.tags[k] = base[k];
    for (size_t k = 0; k < scoped_count; ++k) {
      const metrics_tag_t& t = scoped[k];
      n = put_tag(out.tags, n, {t.key.data, t.key.size}, {t.value.data, t.value.size});
    }
  }
  // With many tags, key bits spare put_tag most of its searches (see key_bit); with a few,
  // the search is cheaper than the bits.
  const bool many = n + (call.size() - i) > 4;
  uint64_t seen = 0;  // the key_bit of every key in out.tags, when many
  if (many)
    for (size_t k = 0; k < n; ++k) seen |= key_bit({out.tags[k].key.data, out.tags[k].key.size});
  for (; i < call.size(); ++i) {
    const Tag& t = in[i];
    if (has_bad_tag_shape(t.key())) return DirectTagsCheck::needs_general_path;
    std::string_view value;
    if (t.value().type() == TagValue::Type::string) [[likely]] {
      value = t.value().string();
    } else if constexpr (kFormatFloating) {
      value = t.value().format(out.numbers[i], DirectTags::kNumberBytes);
      if (value.data() == nullptr) return DirectTagsCheck::needs_general_path;
    } else {
      value = integer_text(t.value(), out.numbers[i], DirectTags::kNumberBytes);
      if (value.data() == nullptr) return DirectTagsCheck::has_floating;
    }
    // out.tags has room for every base and call tag.
    n = many ? put_tag_seen(out.tags, n, seen, t.key(), value)
             : put_tag(out.tags, n, t.key(), value);
  }
  tags = out.tags;
  count = n;
  return DirectTagsCheck::taken;
}

/// take_tags<true> without scoped tags, out of line.
DirectTagsCheck take_tags_formatting_floating(const std::vector<metrics_tag_t>& base, TagList call,
                                              DirectTags& out, const metrics_tag_t*& tags,
                                              size_t& count) noexcept;

}  // namespace metrics::detail
