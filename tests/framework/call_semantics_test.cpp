#include <catch2/catch.hpp>

#include "recorder.hpp"

#include <metrics/metrics.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

using metrics::test::config_for;
using metrics::test::RecorderScope;
using metrics::test::recording_client;

TEST_CASE("every call kind reaches the backend with its kind, name, value and unit", "[calls]") {
  RecorderScope rec;
  auto c = recording_client();
  c.incr("a");
  c.incr("b", 2.5);
  c.gauge("c", -7);
  c.timing("d", 12.5);
  c.timing("e", std::chrono::microseconds(1500));
  c.distribution("f", 512, {.unit = "byte"});
  c.set("g", "alice");
  c.set("h", int64_t{42});
  auto s = rec.samples();
  REQUIRE(s.size() == 8);
  CHECK((s[0].kind == METRICS_KIND_COUNTER && s[0].name == "a" && s[0].value == 1));
  CHECK((s[1].kind == METRICS_KIND_COUNTER && s[1].value == 2.5));
  CHECK((s[2].kind == METRICS_KIND_GAUGE && s[2].value == -7));
  CHECK((s[3].kind == METRICS_KIND_TIMING && s[3].value == 12.5));
  CHECK((s[4].kind == METRICS_KIND_TIMING && s[4].value == 1.5));
  CHECK((s[5].kind == METRICS_KIND_DISTRIBUTION && s[5].value == 512 && s[5].unit == "byte"));
  CHECK((s[6].kind == METRICS_KIND_SET && s[6].member == "alice"));
  CHECK((s[7].kind == METRICS_KIND_SET && s[7].member == "42"));
  for (const auto& x : s) CHECK(x.sample_rate == 1.0);
}

TEST_CASE("tag values of every type are formatted by the framework", "[calls][tags]") {
  RecorderScope rec;
  auto c = recording_client();
  c.incr(
      "t", 1,
      {.tags = {
           {"s", "x"}, {"i", -3}, {"u", 7u}, {"f", 0.25}, {"b", true}, {"std", std::string("y")}}});
  REQUIRE(rec.samples().size() == 1);
  CHECK(rec.samples()[0].tags_text() == "s:x,i:-3,u:7,f:0.25,b:true,std:y");
}

TEST_CASE("the configured prefix is applied to every name", "[calls]") {
  RecorderScope rec;
  auto c = recording_client("prefix = \"app.\"");
  c.incr("requests");
  c.gauge("queue.depth", 3);
  auto s = rec.samples();
  REQUIRE(s.size() == 2);
  CHECK(s[0].name == "app.requests");
  CHECK(s[1].name == "app.queue.depth");
}

TEST_CASE("tags merge config, global, scoped and call tags, later wins", "[calls][tags]") {
  RecorderScope rec;
  auto c = recording_client(
      "[metrics.tags]\nenv = \"config\"\nregion = \"eu\"\nlayer = \"config\"\n"
      "scope = \"config\"\ncall = \"config\"");
  c.add_global_tags({{"layer", "global"}, {"scope", "global"}, {"call", "global"}, {"host", "h1"}});
  {
    metrics::ScopedTags outer({{"scope", "outer"}, {"call", "outer"}, {"task", "t1"}});
    metrics::ScopedTags inner({{"scope", "inner"}});
    c.incr("merged", 1, {.tags = {{"call", "call"}, {"extra", 1}}});
  }
  c.incr("after_scope");
  auto s = rec.samples();
  REQUIRE(s.size() == 2);
  // A key keeps its first position and takes its last value, like a dict update. Config
  // tags come in key order (a TOML table has no order).
  CHECK(s[0].tags_text() ==
        "call:call,env:config,layer:global,region:eu,scope:inner,host:h1,task:t1,extra:1");
  CHECK(s[1].tags_text() == "call:global,env:config,layer:global,region:eu,scope:global,host:h1");

  SECTION("global tags can be removed") {
    c.remove_global_tags({"host", "layer"});
    c.incr("removed");
    CHECK(rec.samples().back().tags_text() ==
          "call:global,env:config,layer:config,region:eu,scope:global");
  }
}

TEST_CASE("scoped tags belong to the thread that opened them", "[calls][tags]") {
  RecorderScope rec;
  auto c = recording_client();
  metrics::ScopedTags scope({{"thread", "main"}});
  std::thread([&] { c.incr("other"); }).join();
  c.incr("mine");
  auto s = rec.samples();
  REQUIRE(s.size() == 2);
  CHECK(s[0].tags_text().empty());
  CHECK(s[1].tags_text() == "thread:main");
}

TEST_CASE("bad tags are stripped in lenient mode and drop the metric in strict mode",
          "[calls][tags]") {
  RecorderScope rec;
  SECTION("lenient: keys ending in _id, event, project and group are stripped; allow-listed stay") {
    auto c = recording_client();
    c.incr("x", 1,
           {.tags = {{"project_id", 1},
                     {"event", "e"},
                     {"project", "p"},
                     {"group", "g"},
                     {"use_case_id", "u"},
                     {"kept", "k"},
                     {"idea", "i"}}});
    REQUIRE(rec.samples().size() == 1);
    CHECK(rec.samples()[0].tags_text() == "use_case_id:u,kept:k,idea:i");
    CHECK(c.telemetry().get("tags.stripped_bad") == 1);
  }
  SECTION("strict: the metric is dropped and counted") {
    auto c = recording_client("disallow_bad_tags = true");
    c.incr("x", 1, {.tags = {{"org_id", 1}}});
    c.incr("y", 1, {.tags = {{"org", 1}}});
    REQUIRE(rec.samples().size() == 1);
    CHECK(rec.samples()[0].name == "y");
    CHECK(c.telemetry().get("dropped.bad_tags") == 1);
  }
  SECTION("strict with an allow-list entry") {
    auto c = recording_client("disallow_bad_tags = true\nallowed_bad_tags = [\"org_id\"]");
    c.incr("x", 1, {.tags = {{"org_id", 1}}});
    REQUIRE(rec.samples().size() == 1);
    CHECK(rec.samples()[0].tags_text() == "org_id:1");
  }
  SECTION("a bad config tag in strict mode is a config error at its position") {
    REQUIRE_THROWS_WITH(
        recording_client("disallow_bad_tags = true\n[metrics.tags]\nproject = \"p\""),
        Catch::Matchers::StartsWith(
            "recording.toml:6:11: metrics.tags.project: tag key 'project' is not allowed"));
  }
  SECTION(
      "a bad config tag in lenient mode is dropped with one warning, not one per change of "
      "the global tags") {
    std::ostringstream log;
    auto logger = std::make_shared<spdlog::logger>(
        "metrics", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
    spdlog::register_logger(logger);
    {
      auto c = recording_client("[metrics.tags]\nproject = \"p\"\nenv = \"prod\"");
      c.add_global_tags({{"host", "h1"}});
      c.remove_global_tags({"host"});
      c.incr("x");
      REQUIRE(rec.samples().size() == 1);
      CHECK(rec.samples()[0].tags_text() == "env:prod");
    }
    spdlog::drop("metrics");
    const std::string text = log.str();
    size_t warnings = 0;
    for (size_t at = text.find("config tag 'project' dropped"); at != std::string::npos;
         at = text.find("config tag 'project' dropped", at + 1))
      ++warnings;
    CHECK(warnings == 1);
  }
}

TEST_CASE("the instance is passed to the backend beside the tags", "[calls]") {
  RecorderScope rec;
  auto c = recording_client();
  c.incr("jobs", 1, {.instance = "worker-3"});
  REQUIRE(rec.samples().size() == 1);
  CHECK(rec.samples()[0].instance == "worker-3");
  CHECK(rec.samples()[0].tags.empty());
}

TEST_CASE("sampling keeps about rate of the calls and passes the rate on", "[calls][sampling]") {
  RecorderScope rec;
  auto c = recording_client();
  constexpr int kCalls = 200000;
  for (int i = 0; i < kCalls; ++i) c.incr("sampled", 1, {.sample_rate = 0.1});
  auto s = rec.samples();
  // Binomial(200000, 0.1): sd = 134; 6 sd either side.
  CHECK(s.size() > 20000 - 804);
  CHECK(s.size() < 20000 + 804);
  for (const auto& x : s) REQUIRE(x.sample_rate == 0.1);
  auto t = c.telemetry();
  CHECK(t.calls == kCalls);
  CHECK(t.sampled_out + static_cast<int64_t>(s.size()) == kCalls);
}

TEST_CASE("the config sample rate applies when the call gives none; rate 0 sends nothing",
          "[calls][sampling]") {
  RecorderScope rec;
  auto c = recording_client("sample_rate = 0.0");
  for (int i = 0; i < 1000; ++i) c.incr("never");
  c.incr("always", 1, {.sample_rate = 1.0});
  REQUIRE(rec.samples().size() == 1);
  CHECK(rec.samples()[0].name == "always");
}

TEST_CASE("a timer reports milliseconds with result:success or result:failure", "[calls][timer]") {
  RecorderScope rec;
  auto c = recording_client();
  {
    auto t = c.timer("work", {{"kind", "batch"}});
    t.add_tag("rows", 12);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  try {
    auto t = c.timer("work");
    throw std::runtime_error("failed");
  } catch (const std::runtime_error&) {
  }
  auto s = rec.samples();
  REQUIRE(s.size() == 2);
  CHECK(s[0].kind == METRICS_KIND_TIMING);
  CHECK(s[0].value >= 20.0);
  CHECK(s[0].value < 2000.0);
  CHECK(s[0].tags_text() == "kind:batch,rows:12,result:success");
  CHECK(s[1].tags_text() == "result:failure");
}

TEST_CASE("a timer keeps its key, instance and tags however many and however long",
          "[calls][timer]") {
  // A timer holds a few short tags inline and moves everything to the heap when they
  // outgrow that room; either way it reports the same.
  RecorderScope rec;
  auto c = recording_client();
  const std::string long_key(300, 'k');
  const std::string long_value(150, 'v');
  {
    auto t = c.timer("few", {{"a", "1"}}, {.tags = {{"b", 2}}, .instance = "i1"});
    t.add_tag("a", "replaced");
  }
  {
    auto t = c.timer(long_key, {{"a", "1"}});
    t.add_tag("b", true);
  }
  {
    auto t = c.timer("many");
    for (int i = 0; i < 12; ++i) t.add_tag("t" + std::to_string(i), i);
  }
  {
    // The value is replaced until the inline text runs out, then once more on the heap.
    auto t = c.timer("replaced", {{"first", "x"}}, {.instance = "i2"});
    for (int i = 0; i < 4; ++i) t.add_tag("long", long_value + std::to_string(i));
    t.add_tag("last", "y");
  }
  auto s = rec.samples();
  REQUIRE(s.size() == 4);
  CHECK(s[0].name == "few");
  CHECK(s[0].instance == "i1");
  CHECK(s[0].tags_text() == "a:replaced,b:2,result:success");
  CHECK(s[1].name == long_key);
  CHECK(s[1].tags_text() == "a:1,b:true,result:success");
  CHECK(s[2].tags_text() ==
        "t0:0,t1:1,t2:2,t3:3,t4:4,t5:5,t6:6,t7:7,t8:8,t9:9,t10:10,t11:11,result:success");
  CHECK(s[3].instance == "i2");
  CHECK(s[3].tags_text() == "first:x,long:" + long_value + "3,last:y,result:success");
}

TEST_CASE("a moved timer reports once, with what it held", "[calls][timer]") {
  RecorderScope rec;
  auto c = recording_client();
  {
    auto inline_kept = c.timer("inline", {{"a", "1"}}, {.instance = "i"});
    auto spilled = c.timer(std::string(250, 'k'), {{"b", "2"}});
    std::optional<metrics::Timer> moved_inline(std::move(inline_kept));
    std::optional<metrics::Timer> moved_spilled(std::move(spilled));
    moved_inline->add_tag("c", 3);
  }
  auto s = rec.samples();
  REQUIRE(s.size() == 2);
  CHECK(s[0].name == std::string(250, 'k'));
  CHECK(s[0].tags_text() == "b:2,result:success");
  CHECK(s[1].name == "inline");
  CHECK(s[1].instance == "i");
  CHECK(s[1].tags_text() == "a:1,c:3,result:success");
}

TEST_CASE("wraps times every call and passes the return value and exceptions through",
          "[calls][timer]") {
  RecorderScope rec;
  auto c = recording_client();
  auto square = metrics::wraps(c, "square", [](int x) { return x * x; }, {{"op", "math"}});
  CHECK(square(7) == 49);
  auto fails = metrics::wraps(c, "fails", [](int) -> int { throw std::logic_error("no"); });
  CHECK_THROWS_AS(fails(1), std::logic_error);
  CHECK(metrics::timed(c, "inline", [] { return std::string("done"); }) == "done");
  auto s = rec.samples();
  REQUIRE(s.size() == 3);
  CHECK(s[0].name == "square");
  CHECK(s[0].tags_text() == "op:math,result:success");
  CHECK(s[1].tags_text() == "result:failure");
  CHECK(s[2].name == "inline");
}

TEST_CASE("events reach backends that take them, with merged tags", "[calls]") {
  RecorderScope rec;
  auto c = recording_client("[metrics.tags]\nenv = \"prod\"");
  c.event("Deploy", "v1.2 is live",
          {.tags = {{"team", "core"}}, .alert_type = metrics::AlertType::success});
  auto e = rec.events();
  REQUIRE(e.size() == 1);
  CHECK(e[0].title == "Deploy");
  CHECK(e[0].text == "v1.2 is live");
  CHECK(e[0].alert_type == METRICS_ALERT_SUCCESS);
  CHECK(e[0].tags ==
        std::vector<std::pair<std::string, std::string>>{{"env", "prod"}, {"team", "core"}});
}

TEST_CASE("skip_internal = false also reaches the internal hook unless the key is skipped",
          "[calls]") {
  RecorderScope rec;
  auto c = recording_client("skip_internal_prefixes = [\"noisy.\"]");
  std::vector<std::string> seen;
  c.set_internal_hook({[](void* ctx, std::string_view kind, std::string_view name, double) {
                         static_cast<std::vector<std::string>*>(ctx)->push_back(
                             std::string(kind) + " " + std::string(name));
                       },
                       &seen});
  c.incr("a");
  c.incr("b", 1, {.skip_internal = false});
  c.incr("noisy.c", 1, {.skip_internal = false});
  CHECK(seen == std::vector<std::string>{"counter b"});
  CHECK(rec.samples().size() == 3);
}

TEST_CASE("the free functions act on the default client, which starts as the dummy backend",
          "[calls]") {
  CHECK(metrics::default_client().backend_names() ==
        std::vector<std::string>{"metrics.dummy.DummyMetricsBackend"});
  metrics::incr("free.function", 1, {.tags = {{"k", "v"}}});
  CHECK(metrics::default_client().telemetry().emitted >= 1);
}

TEST_CASE("configure() throws the config's own error and keeps the running backend", "[calls]") {
  auto before = metrics::default_client().backend_names();
  REQUIRE_THROWS_AS(metrics::configure(metrics::Config::from_string(
                        "[metrics]\nbackend = \"metrics.nothere.Backend\"\n", "app.toml")),
                    metrics::ConfigError);
  REQUIRE_THROWS_WITH(metrics::configure(metrics::Config::from_string(
                          "[metrics]\nbackend = \"metrics.nothere.Backend\"\n", "app.toml")),
                      Catch::Matchers::StartsWith("app.toml:2:11: metrics.backend: no module"));
  CHECK(metrics::default_client().backend_names() == before);
}
