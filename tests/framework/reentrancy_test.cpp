// A backend may call metrics from inside its emit (a backend that counts its own sends
// through the application's client, a logging sink that is itself instrumented). The
// inner call opens no read section of its own, and must leave the outer one open: the
// outer call is still using its pipeline.
#include <catch2/catch.hpp>

#include "read_section.hpp"
#include "recorder.hpp"

#include <metrics/metrics.hpp>

#include <string>
#include <string_view>

using metrics::test::config_for;
using metrics::test::RecorderScope;

TEST_CASE("read sections nest: the inner one leaves the outer open", "[reentrancy]") {
  using namespace metrics::detail;
  ThreadRecord* r = current_thread_record();
  const uint64_t before = r->sequence.load();
  REQUIRE(before % 2 == 0);
  {
    ReadSection outer;
    const uint64_t open = r->sequence.load();
    CHECK(open == before + 1);
    {
      ReadSection inner;
      CHECK(r->sequence.load() == open);
    }
    CHECK(r->sequence.load() == open);  // still open: the outer section's pipeline is in use
  }
  CHECK(r->sequence.load() == before + 2);
}

TEST_CASE("a backend's emit may make metric calls of its own", "[reentrancy]") {
  RecorderScope rec;
  auto c = metrics::Client(metrics::Config::from_string(
      config_for("test.recording.ReentrantBackend"), "reentrant.toml"));
  int depth = 0;
  metrics::test::g_reenter = [&](std::string_view name) {
    if (name == "outer" && depth++ == 0) c.incr("inner", 1, {.tags = {{"from", "emit"}}});
  };

  SECTION("on the direct path") {
    c.incr("outer", 1, {.tags = {{"k", "v"}}});
  }
  SECTION("on the general path (scoped tags)") {
    metrics::ScopedTags scope({{"task", "t1"}});
    c.incr("outer", 1, {.tags = {{"k", "v"}}});
  }
  metrics::test::g_reenter = nullptr;

  auto s = rec.samples();
  REQUIRE(s.size() == 2);
  CHECK(s[0].name == "outer");
  CHECK(s[1].name == "inner");
  CHECK(s[1].tags_text().find("from:emit") != std::string::npos);
  auto t = c.telemetry();
  CHECK(t.calls == 2);
  CHECK(t.emitted == 2);
  // Both calls are over: no read section is left open on this thread.
  CHECK(metrics::detail::current_thread_record()->sequence.load() % 2 == 0);
}
