// Compression, and cutting queued items into requests within Datadog's limits.
#include <catch2/catch.hpp>

#include <random>

#include "batcher.hpp"
#include "compression.hpp"
#include "json_helpers.hpp"

using namespace metrics::datadog;

namespace {

std::deque<Item> make_items(size_t n, size_t size, bool random_text, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::deque<Item> items;
  for (size_t i = 0; i < n; ++i) {
    std::string payload;
    for (size_t j = 0; j < size; ++j)
      payload.push_back(random_text ? static_cast<char>('a' + rng() % 26) : 'x');
    items.push_back(
        Item{1, 1, "{\"metric\":\"m" + std::to_string(i) + "\",\"p\":\"" + payload + "\"}"});
  }
  return items;
}

}  // namespace

TEST_CASE("gzip and deflate bodies inflate back to the input, none leaves it as it is",
          "[datadog][compression]") {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "{\"metric\":\"name." + std::to_string(i) + "\"},";
  auto gz = compress(Compression::gzip, text);
  auto zl = compress(Compression::deflate, text);
  CHECK(gz.substr(0, 2) == "\x1f\x8b");
  CHECK(static_cast<unsigned char>(zl[0]) == 0x78);  // zlib header
  CHECK(gz.size() < text.size() / 4);
  CHECK(decompress(gz) == text);
  CHECK(decompress(zl) == text);
  CHECK(compress(Compression::none, text) == text);
  CHECK_THROWS(decompress("not compressed at all"));
}

TEST_CASE("batches stay within both limits and carry every item once, in order",
          "[datadog][batcher]") {
  auto [compression, random_text, max_compressed, max_uncompressed] =
      GENERATE(table<Compression, bool, size_t, size_t>({
          {Compression::gzip, true, 20000, 1000000},  // the compressed limit binds
          {Compression::gzip, false, 20000, 50000},   // the inflated limit binds
          {Compression::deflate, true, 30000, 60000},
          {Compression::none, true, 20000, 1000000},
      }));
  auto items = make_items(3000, 60, random_text);
  BatchLimits limits{max_compressed, max_uncompressed, static_cast<size_t>(-1)};
  size_t first = 0, batches = 0;
  while (first < items.size()) {
    Batch b = make_batch(items, first, limits, compression);
    REQUIRE(b.count > 0);
    CHECK(b.body.size() <= max_compressed);
    std::string inflated = compression == Compression::none ? b.body : decompress(b.body);
    CHECK(inflated.size() == b.uncompressed_size);
    CHECK(inflated.size() <= max_uncompressed);
    auto series = dd_test::series_of(inflated);
    REQUIRE(series.size() == b.count);
    for (size_t i = 0; i < b.count; ++i)
      CHECK(series[i]->getValue<std::string>("metric") == "m" + std::to_string(first + i));
    first += b.count;
    ++batches;
  }
  CHECK(batches >= 2);
  // Batches are not wastefully small: each but the last is filled to over half a limit.
  CHECK(batches <= 2 * (items.size() * 80 / std::min(max_compressed, max_uncompressed)) + 2);
}

TEST_CASE("a batch honours the item limit set after a 413", "[datadog][batcher]") {
  auto items = make_items(10, 10, false);
  Batch b = make_batch(items, 2, BatchLimits{512000, 5242880, 3}, Compression::gzip);
  CHECK(b.count == 3);
  auto series = dd_test::series_of(decompress(b.body));
  CHECK(series[0]->getValue<std::string>("metric") == "m2");
}

TEST_CASE("an item larger than a request can be makes an empty batch", "[datadog][batcher]") {
  auto items = make_items(1, 5000, true);
  CHECK(make_batch(items, 0, BatchLimits{1000, 100000, 10}, Compression::gzip).count == 0);
  CHECK(make_batch(items, 0, BatchLimits{100000, 1000, 10}, Compression::gzip).count == 0);
}
