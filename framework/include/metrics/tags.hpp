// Tags as callers write them: string, integer, floating and boolean values, no formatting
// by hand, no allocation.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace metrics {

/// A tag value: a string view or a number or a boolean, formatted by the framework only
/// when a metric is actually sent. Strings are borrowed, so a TagValue lives no longer than
/// the call it is passed to.
///
///     metrics::incr("requests", 1, {.tags = {{"status", 200}, {"cached", true}}});
class TagValue {
 public:
  enum class Type : uint8_t { string, signed_integer, unsigned_integer, floating, boolean };

  constexpr TagValue() noexcept : str_(nullptr), size_or_type_(0) {}
  constexpr TagValue(std::string_view s) noexcept : str_(s.data()), size_or_type_(s.size()) {}
  constexpr TagValue(const char* s) noexcept : TagValue(std::string_view(s)) {}
  TagValue(const std::string& s) noexcept : TagValue(std::string_view(s)) {}
  template <std::signed_integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, char>) constexpr TagValue(I v) noexcept
      : i_(v), size_or_type_(number_of(Type::signed_integer)) {}
  template <std::unsigned_integral U>
  requires(!std::same_as<U, bool>) constexpr TagValue(U v) noexcept
      : u_(v), size_or_type_(number_of(Type::unsigned_integer)) {}
  template <std::floating_point F>
  constexpr TagValue(F v) noexcept
      : f_(static_cast<double>(v)), size_or_type_(number_of(Type::floating)) {}
  constexpr TagValue(bool b) noexcept : b_(b), size_or_type_(number_of(Type::boolean)) {}

  constexpr Type type() const noexcept {
    return (size_or_type_ & kNotString) != 0 ? static_cast<Type>(size_or_type_ & 0xff)
                                             : Type::string;
  }
  /// The string for Type::string; empty otherwise.
  constexpr std::string_view string() const noexcept {
    return type() == Type::string ? std::string_view(str_, size_or_type_) : std::string_view{};
  }
  /// The value for its type (Type::signed_integer, unsigned_integer, floating, boolean);
  /// 0 or false for another type.
  constexpr int64_t signed_integer() const noexcept {
    return type() == Type::signed_integer ? i_ : 0;
  }
  constexpr uint64_t unsigned_integer() const noexcept {
    return type() == Type::unsigned_integer ? u_ : 0;
  }
  constexpr double floating() const noexcept { return type() == Type::floating ? f_ : 0.0; }
  constexpr bool boolean() const noexcept { return type() == Type::boolean && b_; }
  /// Writes the text form into `buffer` (at least 32 bytes for a number) and returns a
  /// view of it; for a string, returns the string itself. Booleans are "true"/"false",
  /// floating values use the shortest form that reads back exactly.
  std::string_view format(char* buffer, size_t size) const noexcept;
  /// The text form as an owned string.
  std::string to_string() const;

 private:
  // A string is its pointer then its size, as the plugin ABI's metrics_str_t, so that a
  // call's tags with string values can be handed to a backend without being copied (see
  // Tag). A number sets the size word's top bit, which no string's size has, and keeps
  // its type in the low byte.
  static constexpr uint64_t kNotString = uint64_t{1} << 63;
  static constexpr uint64_t number_of(Type t) noexcept {
    return kNotString | static_cast<uint64_t>(t);
  }

  union {
    const char* str_;
    int64_t i_;
    uint64_t u_;
    double f_;
    bool b_;
  };
  uint64_t size_or_type_;
};

/// One tag of a call: `{"status", 200}`.
///
/// Laid out as the plugin ABI's metrics_tag_t (key pointer, key size, value pointer, value
/// size), so that the framework passes a call's string tags to the backend as they are,
/// with no copy on the call path.
class Tag {
 public:
  constexpr Tag() noexcept = default;
  constexpr Tag(std::string_view key, TagValue value) noexcept
      : key_data_(key.data()), key_size_(key.size()), value_(value) {}

  constexpr std::string_view key() const noexcept { return {key_data_, key_size_}; }
  constexpr const TagValue& value() const noexcept { return value_; }

 private:
  const char* key_data_ = nullptr;
  size_t key_size_ = 0;
  TagValue value_{};
};

/// A borrowed list of tags: a braced list in the call, or a vector the caller keeps alive
/// for the duration of the call.
class TagList {
 public:
  constexpr TagList() noexcept = default;
// A TagList is a view, like std::string_view: the braced list in a call lives until the
// call returns, which is as long as a TagList is used. GCC warns about any view of an
// initializer_list, so the warning is silenced for this one constructor.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  constexpr TagList(std::initializer_list<Tag> tags) noexcept
      : data_(tags.begin()), size_(tags.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  TagList(const std::vector<Tag>& tags) noexcept : data_(tags.data()), size_(tags.size()) {}
  constexpr TagList(const Tag* data, size_t size) noexcept : data_(data), size_(size) {}

  constexpr const Tag* begin() const noexcept {
    return data_;
  }
  constexpr const Tag* end() const noexcept {
    return data_ + size_;
  }
  constexpr size_t size() const noexcept {
    return size_;
  }
  constexpr bool empty() const noexcept {
    return size_ == 0;
  }

 private:
  const Tag* data_ = nullptr;
  size_t size_ = 0;
};

/// Tags held by value, for what outlives a call (timers, scopes, global tags).
using OwnedTags = std::vector<std::pair<std::string, std::string>>;

/// Copies a TagList into owned strings, formatting numbers and booleans.
OwnedTags to_owned(TagList tags);

/// Sets `key` to `value`: a key already there keeps its position and takes the new value
/// (as a Python dict update does), a new key is appended.
void set_tag(OwnedTags& tags, std::string_view key, std::string value);

}  // namespace metrics
