// The direct path (base tags and the call's own merged on a small frame and handed to the
// one backend) must deliver exactly what the general path (scoped tags, stripping, several
// backends) delivers. Each call below is made on a client whose pipeline allows the direct
// path and on one whose internal hook forces the general path, with the same config, and
// the two recordings are compared field by field.
#include <catch2/catch.hpp>

#include "call_path.hpp"
#include "recorder.hpp"

#include <metrics/metrics.hpp>

#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

using metrics::test::check_same_samples;
using metrics::test::config_for;
using metrics::test::RecordedSample;
using metrics::test::RecorderScope;
using metrics::test::recording_client;

namespace {

void force_general_path(metrics::Client& c) {
  c.set_internal_hook({[](void*, std::string_view, std::string_view, double) {}, nullptr});
}

// The samples that `calls` sends through `client`.
std::vector<RecordedSample> record(const std::function<void(metrics::Client&)>& calls,
                                   metrics::Client& client) {
  return metrics::test::record([&] { calls(client); });
}

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr uint64_t kUnsignedMax = std::numeric_limits<uint64_t>::max();

// Eight calls the direct path takes, then two it leaves to the general path.
void every_kind_of_call(metrics::Client& c) {
  c.incr("plain");
  c.incr("strings", 2, {.tags = {{"endpoint", "/api"}, {"status", "ok"}, {"empty", ""}}});
  c.gauge("numbers", -7,
          {.tags = {{"zero", 0},
                    {"neg", -1},
                    {"big", kMax},
                    {"min", kMin},
                    {"u", kUnsignedMax},
                    {"t", true},
                    {"f", false}}});
  c.timing("floating", 12.5, {.tags = {{"ratio", 0.25}, {"code", 404}, {"s", std::string("x")}}});
  c.distribution(
      "passed_on", 512,
      {.tags = {{"k", "v"}}, .instance = "worker-3", .sample_rate = 0.9999999999, .unit = "byte"});
  c.set("members", "alice", {.tags = {{"team", "a"}}});
  c.set("numeric_member", int64_t{-42});
  // A repeated key: the later value wins in the first position, as a dict update.
  c.incr("repeated", 1, {.tags = {{"a", "1"}, {"b", "x"}, {"a", "2"}}});
  // Strings that could pass as they are, then a number: merged from the first tag.
  c.incr("strings_then_number", 1, {.tags = {{"a", "x"}, {"b", "y"}, {"code", 7}}});
  // More than four tags, so that keys are told apart by their key bits, with repeats.
  c.incr("many_repeats", 1,
         {.tags = {{"k1", "a"},
                   {"k2", 2},
                   {"k3", "c"},
                   {"k1", "d"},
                   {"k5", true},
                   {"k2", "f"},
                   {"k7", "g"},
                   {"k8", "h"}}});
  // The general path: more tags than the direct path carries, a key of the bad-tag shape
  // (stripped in lenient mode).
  c.incr("many", 1,
         {.tags = {{"t1", 1},
                   {"t2", 2},
                   {"t3", 3},
                   {"t4", 4},
                   {"t5", 5},
                   {"t6", 6},
                   {"t7", 7},
                   {"t8", 8},
                   {"t9", 9}}});
  c.incr("bad_key", 1, {.tags = {{"org_id", 1}, {"kept", "k"}}});
  c.incr("bad_key_after_strings", 1, {.tags = {{"kept", "k"}, {"project", "p"}}});
}

}  // namespace

TEST_CASE("the direct path delivers what the general path delivers", "[calls][direct]") {
  auto direct = recording_client();
  auto general = recording_client();
  force_general_path(general);

  auto via_direct = record(every_kind_of_call, direct);
  auto via_general = record(every_kind_of_call, general);
  check_same_samples(via_direct, via_general);

  REQUIRE(via_direct.size() == 13);
  CHECK(via_direct[1].tags_text() == "endpoint:/api,status:ok,empty:");
  CHECK(via_direct[2].tags_text() ==
        "zero:0,neg:-1,big:9223372036854775807,min:-9223372036854775808,"
        "u:18446744073709551615,t:true,f:false");
  CHECK(via_direct[3].tags_text() == "ratio:0.25,code:404,s:x");
  CHECK(via_direct[4].sample_rate == 0.9999999999);
  CHECK(via_direct[6].member == "-42");
  CHECK(via_direct[7].tags_text() == "a:2,b:x");
  CHECK(via_direct[8].tags_text() == "a:x,b:y,code:7");
  CHECK(via_direct[9].tags_text() == "k1:d,k2:f,k3:c,k5:true,k7:g,k8:h");
  CHECK(via_direct[10].tags.size() == 9);
  CHECK(via_direct[11].tags_text() == "kept:k");
  CHECK(via_direct[12].tags_text() == "kept:k");

  auto d = direct.telemetry();
  CHECK(d.get("calls.direct_path") == 10);
  CHECK(d.get("calls.general_path") == 3);
  CHECK(d.calls == 13);
  CHECK(d.emitted == 13);
  auto g = general.telemetry();
  CHECK(g.get("calls.direct_path") == 0);
  CHECK(g.get("calls.general_path") == 13);
  CHECK(g.calls == 13);
  CHECK(g.emitted == 13);
}

TEST_CASE("prefix, config tags, global tags and the config's rate: both paths agree",
          "[calls][direct]") {
  // A call tag that repeats a config or a global tag takes its place (dict update).
  const std::string config =
      "prefix = \"app.\"\nsample_rate = 0.9999999999\n"
      "[metrics.tags]\nenv = \"prod\"\nregion = \"eu\"\nstatus = \"config\"";
  auto direct = recording_client(config);
  auto general = recording_client(config);
  force_general_path(general);
  for (auto* c : {&direct, &general}) c->add_global_tags({{"host", "h1"}, {"region", "us"}});
  auto calls = [](metrics::Client& c) {
    c.incr("requests", 1, {.tags = {{"status", 200}, {"host", "h2"}, {"endpoint", "/api"}}});
    c.gauge("depth", 4);
    c.incr("own_rate", 1, {.sample_rate = 1.0});
    // Keys of every length class that names are joined with.
    for (const char* key :
         {"", "a", "abc", "abcdefg", "abcdefghijklmno", "abcdefghijklmnopqrstuvwxyz01234",
          "abcdefghijklmnopqrstuvwxyz0123456789"})
      c.incr(key);
  };
  auto via_direct = record(calls, direct);
  auto via_general = record(calls, general);
  check_same_samples(via_direct, via_general);
  REQUIRE(via_direct.size() == 10);
  CHECK(via_direct[0].name == "app.requests");
  CHECK(via_direct[3].name == "app.");
  CHECK(via_direct[7].name == "app.abcdefghijklmno");
  CHECK(via_direct[9].name == "app.abcdefghijklmnopqrstuvwxyz0123456789");
  CHECK(via_direct[0].tags_text() == "env:prod,region:us,status:200,host:h2,endpoint:/api");
  CHECK(via_direct[0].sample_rate == 0.9999999999);
  CHECK(via_direct[1].tags_text() == "env:prod,region:us,status:config,host:h1");
  CHECK(via_direct[2].sample_rate == 1.0);
  CHECK(direct.telemetry().get("calls.direct_path") == 10);
  CHECK(general.telemetry().get("calls.general_path") == 10);
}

TEST_CASE("scoped tags: both paths agree, and a scoped bad key goes the general way",
          "[calls][direct]") {
  // Base tags, then the scopes outermost first, then the call's: later wins in the first
  // position, on either path.
  const std::string config = "prefix = \"app.\"\n[metrics.tags]\nenv = \"prod\"\nk = \"config\"";
  auto direct = recording_client(config);
  auto general = recording_client(config);
  force_general_path(general);
  auto calls = [](metrics::Client& c) {
    metrics::ScopedTags outer({{"task", "t1"}, {"env", "scoped"}});
    c.incr("outer", 1, {.tags = {{"k", "v"}}});
    {
      metrics::ScopedTags inner({{"task", "t2"}, {"step", 3}});
      c.incr("inner", 1, {.tags = {{"step", "call"}, {"n", 1}}});
      c.gauge("inner_plain", 2);
    }
    c.incr("outer_again");
  };
  auto via_direct = record(calls, direct);
  auto via_general = record(calls, general);
  check_same_samples(via_direct, via_general);
  REQUIRE(via_direct.size() == 4);
  CHECK(via_direct[0].tags_text() == "env:scoped,k:v,task:t1");
  CHECK(via_direct[1].tags_text() == "env:scoped,k:config,task:t2,step:call,n:1");
  CHECK(via_direct[2].tags_text() == "env:scoped,k:config,task:t2,step:3");
  CHECK(via_direct[3].tags_text() == "env:scoped,k:config,task:t1");
  CHECK(direct.telemetry().get("calls.direct_path") == 4);
  CHECK(direct.telemetry().get("calls.general_path") == 0);

  RecorderScope rec;
  auto c = recording_client();
  {
    metrics::ScopedTags scope({{"task", "t1"}});
    {
      // The general path strips it (lenient), for this frame's calls only.
      metrics::ScopedTags bad({{"user_id", 42}});
      c.incr("bad_scope", 1, {.tags = {{"k", "v"}}});
    }
    c.incr("good_scope", 1, {.tags = {{"k", "v"}}});
  }
  auto s = rec.samples();
  REQUIRE(s.size() == 2);
  CHECK(s[0].tags_text() == "task:t1,k:v");
  CHECK(s[1].tags_text() == "task:t1,k:v");
  CHECK(c.telemetry().get("calls.general_path") == 1);
  CHECK(c.telemetry().get("calls.direct_path") == 1);
}

TEST_CASE("several backends and many base tags send calls the general way", "[calls][direct]") {
  RecorderScope rec;
  SECTION("two backends") {
    auto c = metrics::Client(metrics::Config::from_string(
        std::string("[metrics]\nplugin_path = [\"") + METRICS_TEST_FIXTURE_PLUGIN_DIR +
            "\"]\n"
            "[[metrics.backends]]\nbackend = \"test.recording.RecordingBackend\"\n"
            "[[metrics.backends]]\nbackend = \"test.recording.RecordingBackend\"\n",
        "two.toml"));
    c.incr("x", 1, {.tags = {{"k", "v"}}});
    CHECK(rec.samples().size() == 2);
    CHECK(c.telemetry().get("calls.direct_path") == 0);
    CHECK(c.telemetry().get("calls.general_path") == 1);
  }
  SECTION("more global tags than the direct path carries, then fewer again") {
    auto c = recording_client();
    std::vector<metrics::Tag> many;
    std::vector<std::string> keys;
    for (int i = 0; i < 17; ++i) keys.push_back("g" + std::to_string(i));
    for (const auto& k : keys) many.push_back({k, 1});
    c.add_global_tags(many);
    c.incr("with_many");
    c.remove_global_tags({"g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8"});
    c.incr("with_fewer");
    auto s = rec.samples();
    REQUIRE(s.size() == 2);
    CHECK(s[0].tags.size() == 17);
    CHECK(s[1].tags.size() == 8);
    CHECK(c.telemetry().get("calls.general_path") == 1);
    CHECK(c.telemetry().get("calls.direct_path") == 1);
  }
}

TEST_CASE("a backend that fails or refuses a direct emit is counted, and nothing is emitted",
          "[calls][direct]") {
  SECTION("an emit that throws: a backend error") {
    auto c = metrics::Client(metrics::Config::from_string(
        config_for("test.recording.ThrowingBackend"), "throwing.toml"));
    c.incr("failed", 1, {.tags = {{"k", "v"}}});
    auto t = c.telemetry();
    CHECK(t.get("calls.direct_path") == 1);
    CHECK(t.calls == 1);
    CHECK(t.emitted == 0);
    CHECK(t.get("backend_errors") == 1);
  }
  SECTION("an emit answered METRICS_ERR_DROPPED: refused, the cause counted by the plugin") {
    auto c = metrics::Client(metrics::Config::from_string(
        config_for("test.recording.DroppingBackend"), "dropping.toml"));
    c.incr("dropped", 1, {.tags = {{"k", "v"}}});
    auto t = c.telemetry();
    CHECK(t.get("calls.direct_path") == 1);
    CHECK(t.emitted == 0);
    CHECK(t.get("backend_refused") == 1);
    CHECK(t.get("dropped.test_full") == 1);
    CHECK(t.get("backend_errors") == 0);
  }
}

TEST_CASE("a pipeline copied for a new internal hook keeps its own base tags", "[calls]") {
  // set_internal_hook copies the pipeline without rebuilding its tags; the copy's tag
  // views once pointed into the old pipeline's strings, freed by the swap (ASan saw it).
  RecorderScope rec;
  auto c = recording_client("[metrics.tags]\nenv = \"prod\"\nregion = \"eu\"");
  c.add_global_tags({{"host", "h1"}});
  force_general_path(c);
  c.add_global_tags({});  // one more swap: the pipeline before the hook is long gone
  force_general_path(c);
  c.incr("after_hook", 1, {.tags = {{"k", "v"}}});
  auto s = rec.samples();
  REQUIRE(s.size() == 1);
  CHECK(s[0].tags_text() == "env:prod,region:eu,host:h1,k:v");
}

TEST_CASE("a Tag with a string value is laid out as the ABI's metrics_tag_t", "[calls][direct]") {
  // The direct path hands a call's string tags to the backend without copying them.
  const std::string value = "value";
  const metrics::Tag tags[2] = {{"key", value}, {"other", "x"}};
  metrics_tag_t abi[2];
  static_assert(sizeof(tags) == sizeof(abi));
  std::memcpy(abi, tags, sizeof(abi));
  CHECK(abi[0].key.data == tags[0].key().data());
  CHECK(abi[0].key.size == 3);
  CHECK(abi[0].value.data == value.data());
  CHECK(abi[0].value.size == 5);
  CHECK(std::string_view(abi[1].key.data, abi[1].key.size) == "other");
  CHECK(std::string_view(abi[1].value.data, abi[1].value.size) == "x");
}

TEST_CASE("keys whose key bits meet are still told apart", "[calls][direct]") {
  // Two different keys with the same bit: put_tag_seen must search, not take the second
  // for the first.
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) keys.push_back("k" + std::to_string(i));
  std::string first, second;
  for (size_t i = 0; i < keys.size() && first.empty(); ++i)
    for (size_t j = i + 1; j < keys.size(); ++j)
      if (metrics::detail::key_bit(keys[i]) == metrics::detail::key_bit(keys[j])) {
        first = keys[i];
        second = keys[j];
        break;
      }
  REQUIRE_FALSE(first.empty());  // 100 keys, 64 bits: two must share one

  metrics_tag_t tags[3];
  uint64_t seen = 0;
  size_t n = metrics::detail::put_tag_seen(tags, 0, seen, first, "1");
  n = metrics::detail::put_tag_seen(tags, n, seen, second, "2");
  REQUIRE(n == 2);
  n = metrics::detail::put_tag_seen(tags, n, seen, first, "3");
  REQUIRE(n == 2);
  CHECK(std::string_view(tags[0].key.data, tags[0].key.size) == first);
  CHECK(std::string_view(tags[0].value.data, tags[0].value.size) == "3");
  CHECK(std::string_view(tags[1].key.data, tags[1].key.size) == second);
  CHECK(std::string_view(tags[1].value.data, tags[1].value.size) == "2");
}

TEST_CASE("names are joined byte for byte whatever their lengths", "[calls][direct]") {
  // copy_short moves short strings with overlapping words: every length up to past its
  // memcpy threshold, from and to odd addresses, must copy exactly n bytes.
  std::string source;
  for (int i = 0; i < 64; ++i) source += static_cast<char>('A' + i % 26);
  for (size_t n = 0; n <= 40; ++n) {
    char out[80];
    std::memset(out, '.', sizeof(out));
    metrics::detail::copy_short(out + 1, source.data() + 3, n);
    INFO("n = " << n);
    CHECK(out[0] == '.');
    CHECK(std::string_view(out + 1, n) == std::string_view(source.data() + 3, n));
    CHECK(out[n + 1] == '.');
  }
}
