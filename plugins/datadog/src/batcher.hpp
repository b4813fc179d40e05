// Cutting queued items into request bodies that stay within Datadog's limits: at most
// max_compressed bytes on the wire and max_uncompressed bytes once inflated.
#pragma once

#include <cstddef>
#include <deque>
#include <string>

#include "options.hpp"
#include "payload.hpp"

namespace metrics::datadog {

struct BatchLimits {
  size_t max_compressed = defaults::max_compressed_bytes;
  size_t max_uncompressed = defaults::max_uncompressed_bytes;
  size_t max_items = static_cast<size_t>(-1);  // lowered after a 413
};

struct Batch {
  size_t count = 0;  // items taken from the front; 0: the first item alone is too large
  std::string body;  // compressed as asked
  size_t uncompressed_size = 0;
};

/// Packs as many items from `items[first..]` as fit into one {"series":[...]} body.
Batch make_batch(const std::deque<Item>& items, size_t first, const BatchLimits& limits,
                 Compression compression);

}  // namespace metrics::datadog
