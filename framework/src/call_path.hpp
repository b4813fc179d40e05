// What the direct path (call_path.cpp) and the general path (general_path.cpp) share.
#pragma once

#include <metrics/abi.h>

#include "pipeline.hpp"
#include "read_section.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace metrics::detail {

// Uniform double in [0, 1): the top 53 bits of the thread's own 64-bit linear congruential
// generator (Knuth's MMIX constants). The high bits of an LCG are well distributed, which
// is all a keep-or-drop decision needs, and a step is one multiply-add.
[[gnu::always_inline]] inline double next_unit(ThreadRecord* r) noexcept {
  r->rng_state = r->rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<double>(r->rng_state >> 11) * 0x1.0p-53;
}

// Sentry's rule: keep when rate >= 1, else with probability `rate` (never when rate <= 0
// or NaN: no draw is below those).
[[gnu::always_inline]] inline bool keep_sample(ThreadRecord* r, double rate) noexcept {
  return rate >= 1.0 || next_unit(r) < rate;
}

// Written as a loop rather than memcmp: keys are short and usually differ in their first
// byte, and a library call here would make the compiler save every live register around
// the whole tag loop.
[[gnu::always_inline]] inline bool same_bytes(const char* a, const char* b, size_t n) noexcept {
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

/// The index of `key` among the first `n` tags, or `n`.
[[gnu::always_inline]] inline size_t find_key(const metrics_tag_t* tags, size_t n,
                                              std::string_view key) noexcept {
  for (size_t i = 0; i < n; ++i)
    if (tags[i].key.size == key.size() && same_bytes(tags[i].key.data, key.data(), key.size()))
      return i;
  return n;
}

/// Sets `key` to `value` among the first `n` of `tags` as a Python dict update does: a key
/// already there keeps its position and takes the new value, a new key is appended.
/// Returns the new count; the caller makes sure there is room for one more.
[[gnu::always_inline]] inline size_t put_tag(metrics_tag_t* tags, size_t n, std::string_view key,
                                             std::string_view value) noexcept {
  const size_t at = find_key(tags, n, key);
  tags[at] = {{key.data(), key.size()}, {value.data(), value.size()}};
  return at == n ? n + 1 : n;
}

/// One bit of 64 chosen by a key's size and its first and last bytes: a key whose bit is
/// not among the bits of earlier keys equals none of them, so put_tag's search (a branch
/// per earlier key, mispredicted where keys share a size) runs only when the bits meet.
[[gnu::always_inline]] inline uint64_t key_bit(std::string_view key) noexcept {
  const uint64_t ends = key.empty() ? 0
                                    : (uint64_t{static_cast<unsigned char>(key.front())} << 8 |
                                       static_cast<unsigned char>(key.back()));
  return uint64_t{1} << (((key.size() << 16 | ends) * 0x9E3779B97F4A7C15ull) >> 58);
}

/// put_tag for a caller that keeps the key_bit of every key among `tags` in `seen`.
[[gnu::always_inline]] inline size_t put_tag_seen(metrics_tag_t* tags, size_t n, uint64_t& seen,
                                                  std::string_view key,
                                                  std::string_view value) noexcept {
  const uint64_t bit = key_bit(key);
  if ((seen & bit) != 0) [[unlikely]]
    return put_tag(tags, n, key, value);
  seen |= bit;
  tags[n] = {{key.data(), key.size()}, {value.data(), value.size()}};
  return n + 1;
}

/// memcpy for the short strings of names, inline: two overlapping moves of the widest
/// size that fits (so no byte outside [src, src + n) is read), and memcpy only past 32
/// bytes. A call to memcpy here costs its PLT hop and makes the caller save registers.
[[gnu::always_inline]] inline void copy_short(char* dst, const char* src, size_t n) noexcept {
  auto move = [&]<class Word>(Word) {
    Word head, tail;
    std::memcpy(&head, src, sizeof(Word));
    std::memcpy(&tail, src + n - sizeof(Word), sizeof(Word));
    std::memcpy(dst, &head, sizeof(Word));
    std::memcpy(dst + n - sizeof(Word), &tail, sizeof(Word));
  };
  struct Two16 {
    uint64_t a, b;
  };
  if (n >= 16) {
    if (n > 32) [[unlikely]] {
      std::memcpy(dst, src, n);
      return;
    }
    move(Two16{});
  } else if (n >= 8) {
    move(uint64_t{});
  } else if (n >= 4) {
    move(uint32_t{});
  } else if (n >= 2) {
    move(uint16_t{});
  } else if (n == 1) {
    *dst = *src;
  }
}

// Puts the prefix before `name` (the key), in `buffer`; false, leaving `name` alone, when
// the full name does not fit.
[[gnu::always_inline]] inline bool join_name(const Pipeline& p, metrics_str_t& name,
                                             char (&buffer)[256]) noexcept {
  const std::string& prefix = p.config.prefix;
  if (prefix.empty()) [[likely]]
    return true;
  if (prefix.size() + name.size > sizeof(buffer)) return false;
  copy_short(buffer, prefix.data(), prefix.size());
  copy_short(buffer + prefix.size(), name.data, name.size);
  name = {buffer, prefix.size() + name.size};
  return true;
}

}  // namespace metrics::detail
