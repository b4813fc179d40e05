// BoundMetric: a call on a bound metric must deliver exactly what the keyword call with
// the same key and options delivers on the same client at that moment, through config
// swaps, global and scoped tags, sampling and the bad-tag rule, and must lose nothing
// while the pipeline is replaced under it.
#include <catch2/catch.hpp>

#include "recorder.hpp"

#include <metrics/metrics.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using metrics::test::check_same_samples;
using metrics::test::config_for;
using metrics::test::record;
using metrics::test::RecordedSample;
using metrics::test::RecorderScope;
using metrics::test::recording_client;

namespace {

// One options value used both ways: bound once, and passed to each keyword call. Its tags
// are a named array: options borrow their tags, like std::string_view.
const metrics::CallOptions& rich_options() {
  static const metrics::Tag tags[] = {
      {"endpoint", "/api"}, {"status", 200}, {"ratio", 0.5}, {"ok", true}, {"status", 201}};
  static const metrics::CallOptions options{
      .tags = {tags, std::size(tags)}, .instance = "worker-3", .unit = "byte"};
  return options;
}

void keyword_calls(metrics::Client& c) {
  c.incr("work", 3, rich_options());
  c.gauge("work", -1.5, rich_options());
  c.timing("work", 12.25, rich_options());
  c.distribution("work", 512, rich_options());
}

void bound_calls(const metrics::BoundMetric& m) {
  m.incr(3);
  m.gauge(-1.5);
  m.timing(12.25);
  m.distribution(512);
}

}  // namespace

TEST_CASE("a bound metric delivers what the keyword call delivers", "[bound]") {
  const std::string config =
      "prefix = \"app.\"\n[metrics.tags]\nenv = \"prod\"\nstatus = \"config\"";
  auto c = recording_client(config);
  c.add_global_tags({{"host", "h1"}});
  auto m = c.bind("work", rich_options());
  CHECK(m.key() == "work");

  auto via_keyword = record([&] { keyword_calls(c); });
  auto via_bound = record([&] { bound_calls(m); });
  check_same_samples(via_bound, via_keyword);
  REQUIRE(via_bound.size() == 4);
  CHECK(via_bound[0].name == "app.work");
  // Dict update: the call's repeated "status" keeps the config tag's place, last value wins.
  CHECK(via_bound[0].tags_text() == "env:prod,status:201,host:h1,endpoint:/api,ratio:0.5,ok:true");
  CHECK(via_bound[0].instance == "worker-3");
  CHECK(via_bound[3].unit == "byte");
  auto t = c.telemetry();
  CHECK(t.get("calls.direct_path") == 8);
  CHECK(t.calls == 8);
  CHECK(t.emitted == 8);

  SECTION("and the same when the pipeline has no direct path") {
    c.set_internal_hook({[](void*, std::string_view, std::string_view, double) {}, nullptr});
    auto general_keyword = record([&] { keyword_calls(c); });
    auto general_bound = record([&] { bound_calls(m); });
    check_same_samples(general_bound, general_keyword);
    check_same_samples(general_bound, via_keyword);
    CHECK(c.telemetry().get("calls.general_path") == 8);
  }
}

TEST_CASE("a bound metric follows config swaps and changes of global tags", "[bound][swap]") {
  RecorderScope rec;
  auto c = recording_client("[metrics.tags]\nside = \"a\"");
  const auto m = c.bind("swapped", {.tags = {{"k", "v"}}});
  m.incr();
  REQUIRE(c.apply(
      metrics::Config::from_string(config_for("test.recording.RecordingBackend",
                                              "prefix = \"b.\"\n[metrics.tags]\nside = \"b\""),
                                   "b.toml")));
  m.incr();
  c.add_global_tags({{"g", "1"}, {"k", "global"}});
  m.incr();
  c.remove_global_tags({"g", "k"});
  m.incr();
  auto s = rec.samples();
  REQUIRE(s.size() == 4);
  CHECK(s[0].name == "swapped");
  CHECK(s[0].tags_text() == "side:a,k:v");
  CHECK(s[1].name == "b.swapped");
  CHECK(s[1].tags_text() == "side:b,k:v");
  CHECK(s[2].tags_text() == "side:b,g:1,k:v");
  CHECK(s[3].tags_text() == "side:b,k:v");
  CHECK(c.telemetry().get("calls.direct_path") == 4);
}

TEST_CASE("scoped tags, the bad-tag rule and sampling apply to bound calls", "[bound]") {
  RecorderScope rec;
  SECTION("a ScopedTags frame on the calling thread merges before the bound tags") {
    auto c = recording_client();
    const auto m = c.bind("scoped", {.tags = {{"k", "v"}}});
    {
      metrics::ScopedTags scope({{"task", "t1"}, {"k", "scope"}});
      m.incr();
    }
    m.incr();
    auto s = rec.samples();
    REQUIRE(s.size() == 2);
    CHECK(s[0].tags_text() == "task:t1,k:v");
    CHECK(s[1].tags_text() == "k:v");
    // The scoped call leaves the prepared form for the keyword call's direct path.
    CHECK(c.telemetry().get("calls.general_path") == 0);
    CHECK(c.telemetry().get("calls.direct_path") == 2);
  }
  SECTION("lenient: a bad key is stripped and counted on every call") {
    auto c = recording_client();
    const auto m = c.bind("bad", {.tags = {{"org_id", 7}, {"kept", "k"}}});
    m.incr();
    m.incr();
    auto s = rec.samples();
    REQUIRE(s.size() == 2);
    CHECK(s[1].tags_text() == "kept:k");
    CHECK(c.telemetry().get("tags.stripped_bad") == 2);
  }
  SECTION("strict: a bad key drops every call") {
    auto c = recording_client("disallow_bad_tags = true");
    const auto m = c.bind("bad", {.tags = {{"project", "p"}}});
    m.incr();
    CHECK(rec.samples().empty());
    CHECK(c.telemetry().get("dropped.bad_tags") == 1);
  }
  SECTION("the bound rate samples, and is passed on") {
    auto c = recording_client();
    const auto m = c.bind("sampled", {.sample_rate = 0.1});
    const int n = 20000;
    for (int i = 0; i < n; ++i) m.incr();
    auto s = rec.samples();
    CHECK(s.size() > n * 0.1 * 0.9);
    CHECK(s.size() < n * 0.1 * 1.1);
    REQUIRE(!s.empty());
    CHECK(s[0].sample_rate == 0.1);
    CHECK(c.telemetry().sampled_out + static_cast<int64_t>(s.size()) == n);
  }
  SECTION("the config's rate applies when the binding has none") {
    auto c = recording_client("sample_rate = 0.25");
    const auto m = c.bind("config_sampled");
    const int n = 20000;
    for (int i = 0; i < n; ++i) m.incr();
    auto s = rec.samples();
    CHECK(s.size() > n * 0.25 * 0.9);
    CHECK(s.size() < n * 0.25 * 1.1);
    REQUIRE(!s.empty());
    CHECK(s[0].sample_rate == 0.25);
  }
}

TEST_CASE("a bound metric outliving its client, moved or empty does nothing harmful", "[bound]") {
  RecorderScope rec;
  metrics::BoundMetric empty;
  empty.incr();
  CHECK(empty.key().empty());

  metrics::BoundMetric outlives;
  {
    auto c = recording_client();
    outlives = c.bind("gone");
    metrics::BoundMetric moved = std::move(outlives);
    moved.incr();
    outlives = std::move(moved);
    outlives.incr();
  }
  outlives.incr();  // the client is gone: nothing, and nothing touched
  auto s = rec.samples();
  REQUIRE(s.size() == 2);
  CHECK(s[1].name == "gone");

  // Many bindings made and destroyed in any order against swaps.
  auto c = recording_client();
  std::vector<metrics::BoundMetric> many;
  for (int i = 0; i < 50; ++i) many.push_back(c.bind("m" + std::to_string(i)));
  many.erase(many.begin() + 10, many.begin() + 30);
  c.add_global_tags({{"g", "1"}});
  for (const auto& m : many) m.incr();
  auto after = rec.samples();
  REQUIRE(after.size() == 2 + 30);
  CHECK(after.back().name == "m49");
  CHECK(after.back().tags_text() == "g:1");
}

TEST_CASE("threads calling bound metrics while the config flips 500 times lose no count",
          "[bound][swap][threads]") {
  metrics::test::g_counted = 0;
  metrics::Client c(metrics::test::counting_config("a"));
  std::atomic<bool> stop{false};
  std::atomic<int64_t> emitted{0};
  const auto shared = c.bind("flip.shared");  // called by every thread at once
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      const auto m = c.bind("flip", {.tags = {{"thread", t}}});
      int64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        m.incr(t + 1);
        shared.incr(10);
        mine += t + 1 + 10;
      }
      emitted.fetch_add(mine);
    });
  for (int i = 0; i < 500; ++i) {
    REQUIRE(c.apply(metrics::test::counting_config(i % 2 ? "a" : "b")));
    if (i % 50 == 0) c.add_global_tags({{"round", i}});
  }
  stop = true;
  for (auto& t : threads) t.join();
  CHECK(metrics::test::g_counted.load() == emitted.load());
  CHECK(emitted.load() > 0);
  auto t = c.telemetry();
  CHECK(t.get("calls.direct_path") > 0);
}

TEST_CASE("metrics::bind binds on the default client and follows configure()", "[bound]") {
  RecorderScope rec;
  const auto m = metrics::bind("free.bound", {.tags = {{"k", "v"}}});
  m.incr(1);  // the dummy backend: nothing recorded
  metrics::configure(
      metrics::Config::from_string(config_for("test.recording.RecordingBackend"), "default.toml"));
  m.incr(2);
  metrics::configure(metrics::Config::from_string(
      "[metrics]\nbackend = \"metrics.dummy.DummyMetricsBackend\"\n", "default.toml"));
  m.incr(3);
  auto s = rec.samples();
  REQUIRE(s.size() == 1);
  CHECK(s[0].name == "free.bound");
  CHECK(s[0].value == 2);
  CHECK(s[0].tags_text() == "k:v");
}
