// The in-process aggregation of one flush interval.
#include <catch2/catch.hpp>

#include <thread>

#include "aggregator.hpp"
#include "sample_builder.hpp"

using metrics::datadog::Aggregator;
using metrics::datadog::Context;
using metrics::sdk::Kind;
using namespace dd_test;

namespace {

const Context& only(const std::vector<Context>& v) {
  REQUIRE(v.size() == 1);
  return v.front();
}

const Context* find(const std::vector<Context>& v, const std::string& name, Kind kind) {
  for (const auto& c : v)
    if (c.name == name && c.kind == kind) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("counters with the same name and tags are summed whatever the order of the tags",
          "[datadog][aggregator]") {
  Aggregator agg(1000);
  auto a = counter("hits", 2, {{"a", "1"}, {"b", "2"}});
  auto b = counter("hits", 3, {{"b", "2"}, {"a", "1"}});
  auto other = counter("hits", 5, {{"a", "1"}, {"b", "3"}});
  REQUIRE(agg.add(a.sample()));
  REQUIRE(agg.add(b.sample()));
  REQUIRE(agg.add(other.sample()));
  auto taken = agg.take();
  REQUIRE(taken.size() == 2);
  double sum_ab = 0, sum_other = 0;
  for (const auto& c : taken) (c.tags[1].second == "3" ? sum_other : sum_ab) += c.value;
  CHECK(sum_ab == 5);
  CHECK(sum_other == 5);
}

TEST_CASE("a sampled counter is scaled by one over its rate", "[datadog][aggregator]") {
  Aggregator agg(1000);
  auto s = counter("sampled", 1, {}, 0.1);
  for (int i = 0; i < 3; ++i) agg.add(s.sample());
  CHECK(only(agg.take()).value == Approx(30.0));
}

TEST_CASE("the same name as counter, gauge and set makes three series of the interval",
          "[datadog][aggregator]") {
  Aggregator agg(1000);
  auto c = of_kind(METRICS_KIND_COUNTER, "x", 1);
  auto g1 = of_kind(METRICS_KIND_GAUGE, "x", 10);
  auto g2 = of_kind(METRICS_KIND_GAUGE, "x", -4);
  auto s1 = of_kind(METRICS_KIND_SET, "x", 0);
  s1.member = "u1";
  auto s2 = s1;
  s2.member = "u2";
  for (auto* b : {&c, &g1, &g2, &s1, &s2, &s1}) agg.add(b->sample());
  auto taken = agg.take();
  REQUIRE(taken.size() == 3);
  CHECK(find(taken, "x", Kind::counter)->value == 1);
  CHECK(find(taken, "x", Kind::gauge)->value == -4);  // the last value
  CHECK(find(taken, "x", Kind::set)->members.size() == 2);
}

TEST_CASE("timings and distributions keep every value, and the instance makes its own series",
          "[datadog][aggregator]") {
  Aggregator agg(1000);
  auto t = of_kind(METRICS_KIND_TIMING, "lat", 5);
  auto t2 = of_kind(METRICS_KIND_TIMING, "lat", 7);
  auto d = of_kind(METRICS_KIND_DISTRIBUTION, "lat", 9);
  auto i = of_kind(METRICS_KIND_TIMING, "lat", 11);
  i.instance = "i1";
  for (auto* b : {&t, &t2, &d, &i}) agg.add(b->sample());
  auto taken = agg.take();
  REQUIRE(taken.size() == 3);
  std::vector<double> timing_values;
  for (const auto& c : taken)
    if (c.kind == Kind::timing && c.instance.empty()) timing_values = c.values;
  CHECK(timing_values == std::vector<double>{5, 7});
  CHECK(agg.points() == 0);
}

TEST_CASE("take starts a new interval", "[datadog][aggregator]") {
  Aggregator agg(1000);
  auto c = counter("c", 1);
  agg.add(c.sample());
  CHECK(agg.points() == 1);
  CHECK(agg.take().size() == 1);
  CHECK(agg.take().empty());
  agg.add(c.sample());
  agg.add(c.sample());
  CHECK(only(agg.take()).value == 2);
}

TEST_CASE("at the bound new values are refused and the owner is told once per interval",
          "[datadog][aggregator]") {
  int told = 0;
  Aggregator agg(3, [&] { ++told; });
  std::vector<SampleBuilder> samples;
  for (int i = 0; i < 6; ++i) samples.push_back(counter("c" + std::to_string(i), 1));
  int accepted = 0;
  for (auto& s : samples) accepted += agg.add(s.sample()) ? 1 : 0;
  CHECK(accepted == 3);
  CHECK(told == 1);
  auto existing = counter("c0", 5);
  CHECK(agg.add(existing.sample()));  // an existing counter still adds: no new value held
  CHECK(agg.take().size() == 3);
  CHECK(agg.add(samples[5].sample()));
}

TEST_CASE("four threads adding to shared and own series lose no increment",
          "[datadog][aggregator][threads]") {
  Aggregator agg(1'000'000);
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  std::vector<Context> taken_midway;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&agg, t] {
      auto shared = counter("shared", 1, {{"k", "v"}});
      auto own = counter("own." + std::to_string(t), 1);
      for (int i = 0; i < kPerThread; ++i) {
        agg.add(shared.sample());
        agg.add(own.sample());
      }
    });
  // Intervals taken while the threads run must not lose anything either.
  std::vector<Context> all;
  for (int i = 0; i < 20; ++i) {
    auto part = agg.take();
    std::move(part.begin(), part.end(), std::back_inserter(all));
    std::this_thread::yield();
  }
  for (auto& th : threads) th.join();
  auto rest = agg.take();
  std::move(rest.begin(), rest.end(), std::back_inserter(all));
  double shared = 0, own = 0;
  for (const auto& c : all) (c.name == "shared" ? shared : own) += c.value;
  CHECK(shared == 4 * kPerThread);
  CHECK(own == 4 * kPerThread);
}

TEST_CASE("names and tags of every length that differ in one byte make distinct series",
          "[datadog][aggregator]") {
  Aggregator agg(100000);
  size_t expected = 0;
  for (size_t len = 1; len <= 24; ++len)
    for (size_t pos = 0; pos < len; ++pos) {
      std::string name(len, 'n');
      name[pos] = 'X';
      auto a = counter(name, 1);
      auto b = counter(std::string(len, 'n'), 1, {{name, name}});
      agg.add(a.sample());
      agg.add(a.sample());  // the same series again: summed
      agg.add(b.sample());
      expected += 2;
    }
  for (size_t len = 1; len <= 24; ++len) {
    auto plain = counter(std::string(len, 'n'), 1);
    agg.add(plain.sample());
    ++expected;
  }
  auto taken = agg.take();
  CHECK(taken.size() == expected);
  for (const auto& c : taken)
    if (c.tags.empty() && c.name.find('X') != std::string::npos) CHECK(c.value == 2);
}
