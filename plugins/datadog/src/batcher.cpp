#include "batcher.hpp"

#include "compression.hpp"

namespace metrics::datadog {

Batch make_batch(const std::deque<Item>& items, size_t first, const BatchLimits& limits,
                 Compression compression) {
  Batch batch;
  StreamCompressor out(compression);
  out.write(kBatchPrefix);
  size_t uncompressed = kBatchPrefix.size();
  size_t unsynced = uncompressed;  // input not yet known to be in output_size()
  const size_t tail = kBatchSuffix.size();
  const bool compressed = compression != Compression::none;

  for (size_t i = first; i < items.size() && batch.count < limits.max_items; ++i) {
    const std::string& json = items[i].json;
    const size_t n = json.size() + (batch.count != 0 ? 1 : 0);
    if (uncompressed + n + tail > limits.max_uncompressed) break;
    if (compressed) {
      // The compressed size stays below what is out already plus the worst case of what
      // is still inside zlib; when that bound is too loose, sync to make it exact.
      if (out.output_size() + compressed_bound(unsynced + n + tail) > limits.max_compressed) {
        out.sync();
        unsynced = 0;
        if (out.output_size() + compressed_bound(n + tail) > limits.max_compressed) break;
      }
    } else if (uncompressed + n + tail > limits.max_compressed) {
      break;
    }
    if (batch.count != 0) out.write(",");
    out.write(json);
    uncompressed += n;
    unsynced += n;
    ++batch.count;
  }
  if (batch.count == 0) return batch;
  out.write(kBatchSuffix);
  batch.uncompressed_size = uncompressed + tail;
  batch.body = out.finish();
  return batch;
}

}  // namespace metrics::datadog
