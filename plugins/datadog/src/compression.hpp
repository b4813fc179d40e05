// Request body compression with zlib: gzip (RFC 1952) or deflate, which HTTP means as the
// zlib format (RFC 1950). A streaming compressor lets the batcher know, at any point, an
// upper bound of the compressed size without finishing the stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "options.hpp"

struct z_stream_s;

namespace metrics::datadog {

/// zlib level used for request bodies: the fastest, as the Datadog Agent's default keeps
/// flush cost low; JSON series still shrink about tenfold.
inline constexpr int kCompressionLevel = 1;

/// Worst-case compressed size of `n` more input bytes (zlib's compressBound plus framing).
size_t compressed_bound(size_t n) noexcept;

class StreamCompressor {
 public:
  explicit StreamCompressor(Compression c, int level = kCompressionLevel);
  ~StreamCompressor();
  StreamCompressor(const StreamCompressor&) = delete;
  StreamCompressor& operator=(const StreamCompressor&) = delete;

  void write(std::string_view data);
  /// Pushes everything written so far to the output, so that output_size() is exact.
  void sync();
  /// Ends the stream and hands over the body.
  std::string finish();

  size_t input_size() const noexcept { return input_; }
  /// Bytes of output produced so far (exact after sync()).
  size_t output_size() const noexcept { return used_; }

 private:
  void run(int flush_mode);

  Compression mode_;
  z_stream_s* z_ = nullptr;
  std::string out_;  // buffer; the first used_ bytes are output
  size_t used_ = 0;
  std::string_view pending_;
  size_t input_ = 0;
};

/// Compresses a whole buffer in one go.
std::string compress(Compression c, std::string_view data, int level = kCompressionLevel);

/// Inflates gzip or zlib data (detected from the header); throws std::runtime_error.
std::string decompress(std::string_view data);

}  // namespace metrics::datadog
