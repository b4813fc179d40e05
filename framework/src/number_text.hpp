// Integers and booleans as tag text, written inline: std::to_chars calls out-of-line
// helpers, and a call inside the direct path's tag loop makes the compiler save every live
// register around the loop. One implementation for TagValue::format and the direct path.
#pragma once

#include <metrics/tags.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace metrics::detail {

/// Room integer_text needs: "-9223372036854775808" is 20 characters.
inline constexpr size_t kIntegerTextBytes = 20;

/// "00", "01", ... "99": the two digits of every number below 100.
inline constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/// The decimal text of `value` (with `negative`, a minus sign first), written backwards so
/// that it ends at `end`. Two digits per division: the divisions form the call's longest
/// chain of dependent instructions.
[[gnu::always_inline]] inline std::string_view format_decimal(uint64_t value, bool negative,
                                                              char* end) noexcept {
  char* p = end;
  while (value >= 100) {
    const uint64_t pair = value % 100;
    value /= 100;
    p -= 2;
    std::memcpy(p, kDigitPairs + 2 * pair, 2);
  }
  if (value >= 10) {
    p -= 2;
    std::memcpy(p, kDigitPairs + 2 * value, 2);
  } else {
    *--p = static_cast<char>('0' + value);
  }
  if (negative) *--p = '-';
  return std::string_view(p, static_cast<size_t>(end - p));
}

/// The text of an integer or boolean value, in `buffer` (at least kIntegerTextBytes) for
/// an integer; a null data() for a string or floating value.
[[gnu::always_inline]] inline std::string_view integer_text(const TagValue& v, char* buffer,
                                                            size_t size) noexcept {
  if (v.type() == TagValue::Type::signed_integer) {
    const int64_t i = v.signed_integer();
    // Negated in unsigned arithmetic, so that INT64_MIN has a magnitude too.
    return format_decimal(i < 0 ? 0 - static_cast<uint64_t>(i) : static_cast<uint64_t>(i), i < 0,
                          buffer + size);
  }
  if (v.type() == TagValue::Type::unsigned_integer)
    return format_decimal(v.unsigned_integer(), false, buffer + size);
  if (v.type() == TagValue::Type::boolean)
    return v.boolean() ? std::string_view("true") : std::string_view("false");
  return {};
}

}  // namespace metrics::detail
