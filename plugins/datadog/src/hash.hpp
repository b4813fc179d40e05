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

inline uint64_t hash_bytes(std::string_view s, uint64_t seed) noexcept {
  constexpr uint64_t k = 0x9E3779B97F4A7C15ULL;
  uint64_t h = seed ^ (s.size() * k);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ (w * k)) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ (w * k)) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 29;
  }
  return h;
}

}  // namespace metrics::datadog
