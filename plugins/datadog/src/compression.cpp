#include "compression.hpp"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace metrics::datadog {

size_t compressed_bound(size_t n) noexcept {
  // zlib 1.2.13's compressBound, plus gzip framing (18) and sync-flush markers.
  return n + (n >> 12) + (n >> 14) + (n >> 25) + 13 + 18 + 16;
}

StreamCompressor::StreamCompressor(Compression c, int level) : mode_(c) {
  if (mode_ == Compression::none) return;
  z_ = new z_stream{};
  // 15 window bits: zlib format; +16: gzip format.
  int bits = mode_ == Compression::gzip ? 15 + 16 : 15;
  if (deflateInit2(z_, level, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    delete z_;
    z_ = nullptr;
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
}

StreamCompressor::~StreamCompressor() {
  if (z_ != nullptr) {
    deflateEnd(z_);
    delete z_;
  }
}

void StreamCompressor::run(int flush_mode) {
  z_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(pending_.data()));
  z_->avail_in = static_cast<uInt>(pending_.size());
  for (;;) {
    // out_ is a buffer whose first used_ bytes are output; grow it geometrically.
    if (out_.size() - used_ < 4096) out_.resize(std::max<size_t>(out_.size() * 2, 65536));
    size_t room = out_.size() - used_;
    z_->next_out = reinterpret_cast<Bytef*>(out_.data() + used_);
    z_->avail_out = static_cast<uInt>(room);
    int rc = deflate(z_, flush_mode);
    used_ += room - z_->avail_out;
    if (rc == Z_STREAM_ERROR) throw std::runtime_error("zlib: deflate failed");
    if (flush_mode == Z_FINISH) {
      if (rc == Z_STREAM_END) break;
    } else if (z_->avail_in == 0 && z_->avail_out != 0) {
      break;
    }
  }
  pending_ = {};
}

void StreamCompressor::write(std::string_view data) {
  input_ += data.size();
  if (mode_ == Compression::none) {
    out_.append(data);
    used_ = out_.size();
    return;
  }
  pending_ = data;
  run(Z_NO_FLUSH);
}

void StreamCompressor::sync() {
  if (mode_ != Compression::none) run(Z_SYNC_FLUSH);
}

std::string StreamCompressor::finish() {
  if (mode_ != Compression::none) run(Z_FINISH);
  out_.resize(used_);
  return std::move(out_);
}

std::string compress(Compression c, std::string_view data, int level) {
  StreamCompressor s(c, level);
  s.write(data);
  return s.finish();
}

std::string decompress(std::string_view data) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK)  // +32: detect gzip or zlib
    throw std::runtime_error("zlib: inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    size_t used = out.size();
    out.resize(used + 65536);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    z.avail_out = 65536;
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(used + 65536 - z.avail_out);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw std::runtime_error("zlib: inflate failed: corrupt or truncated data");
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      throw std::runtime_error("zlib: truncated data");
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace metrics::datadog
