// A small, fast, non-cryptographic hash for series keys (name, instance and tags), used on
// the caller's path. Tags are combined so that their order does not matter.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace metrics::datadog {

inline uint64_t hash_mix(uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// The last 1..7 bytes, read with at most two loads (no byte loop).
inline uint64_t hash_tail(const char* p, size_t n) noexcept {
  if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return (static_cast<uint64_t>(a) << 32) | b;
  }
  return (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
         (static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
         static_cast<unsigned char>(p[n - 1]);
}

/// One multiply per 8 bytes; callers finish with hash_mix where avalanche matters.
inline uint64_t hash_bytes(std::string_view s, uint64_t seed) noexcept {
  constexpr uint64_t k = 0x9E3779B97F4A7C15ULL;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = (seed ^ n) * k;
  while (n > 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * k;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n == 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * k;
  } else if (n > 0) {
    h = (h ^ hash_tail(p, n)) * k;
  }
  return h ^ (h >> 32);
}

}  // namespace metrics::datadog
