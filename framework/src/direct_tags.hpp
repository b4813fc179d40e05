// The tags of a call on the direct path (see ClientCore::send_sample): the call's own tags,
// checked and laid out for the plugin, with no merging to do. A call whose tags need more
// (a key of the bad-tag shape, a repeated key, more than kMax tags) takes the general path,
// which strips or drops, lets the later of two equal keys win, and counts.
#pragma once

#include <metrics/abi.h>
#include <metrics/tags.hpp>

#include "pipeline.hpp"

#include <cstddef>
#include <string_view>

namespace metrics::detail {

struct DirectTags {
  static constexpr size_t kMax = 8;
  static constexpr size_t kNumberBytes = 32;
  metrics_tag_t tags[kMax];
  char numbers[kMax][kNumberBytes];  // the text of numeric and boolean values
};

// Written as a loop rather than memcmp: keys are short and usually differ in their first
// byte, and a library call here would make the compiler save every live register around
// the whole tag loop.
[[gnu::always_inline]] inline bool same_bytes(const char* a, const char* b, size_t n) noexcept {
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

/// True when `key` may follow the `n` tags already taken: not of the bad-tag shape, and not
/// one of theirs.
[[gnu::always_inline]] inline bool key_fits_direct(const metrics_tag_t* taken, size_t n,
                                                   std::string_view key) noexcept {
  if (has_bad_tag_shape(key)) return false;
  for (size_t i = 0; i < n; ++i)
    if (taken[i].key.size == key.size() && same_bytes(taken[i].key.data, key.data(), key.size()))
      return false;
  return true;
}

/// The decimal text of `value` (with `negative`, a minus sign first), written backwards
/// from the end of `buffer`. Inline and call-free, unlike std::to_chars's out-of-line
/// helpers, so that an integer tag keeps the tag loop free of calls.
[[gnu::always_inline]] inline std::string_view format_decimal(
    uint64_t value, bool negative, char (&buffer)[DirectTags::kNumberBytes]) noexcept {
  char* end = buffer + DirectTags::kNumberBytes;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  if (negative) *--p = '-';
  return std::string_view(p, static_cast<size_t>(end - p));
}

/// The text of an integer or boolean value; empty data() for a floating one.
[[gnu::always_inline]] inline std::string_view number_text(
    const TagValue& v, char (&buffer)[DirectTags::kNumberBytes]) noexcept {
  if (v.type() == TagValue::Type::signed_integer) {
    const int64_t i = v.signed_integer();
    // Negated in unsigned arithmetic, so that INT64_MIN has a magnitude too.
    return format_decimal(i < 0 ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i), i < 0,
                          buffer);
  }
  if (v.type() == TagValue::Type::unsigned_integer)
    return format_decimal(v.unsigned_integer(), false, buffer);
  if (v.type() == TagValue::Type::boolean)
    return v.boolean() ? std::string_view("true") : std::string_view("false");
  return {};
}

/// What take_plain_tags found.
enum class DirectTagsCheck { taken, has_numbers, needs_general_path };

/// Fills `out` with the call's tags when all are strings. For has_numbers, call
/// take_formatted_tags; for needs_general_path, the call takes the general path.
[[gnu::always_inline]] inline DirectTagsCheck take_plain_tags(TagList call,
                                                              DirectTags& out) noexcept {
  if (call.size() > DirectTags::kMax) return DirectTagsCheck::needs_general_path;
  size_t n = 0;
  for (const Tag& t : call) {
    if (!key_fits_direct(out.tags, n, t.key)) return DirectTagsCheck::needs_general_path;
    std::string_view value;
    if (t.value.type() == TagValue::Type::string) [[likely]] {
      value = t.value.string();
    } else {
      value = number_text(t.value, out.numbers[n]);
      if (value.data() == nullptr) return DirectTagsCheck::has_numbers;
    }
    out.tags[n++] = {{t.key.data(), t.key.size()}, {value.data(), value.size()}};
  }
  return DirectTagsCheck::taken;
}

/// take_plain_tags for calls with numeric or boolean values, which it formats into
/// out.numbers; false when the call needs the general path. Out of line, so that the
/// all-strings loop has no call in it.
bool take_formatted_tags(TagList call, DirectTags& out) noexcept;

}  // namespace metrics::detail
