// The shared wire library on its own: line encoding, packing, aggregation, addresses.
#include <metrics/wire/aggregator.hpp>
#include <metrics/wire/buffer.hpp>
#include <metrics/wire/format.hpp>
#include <metrics/wire/options.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace metrics::wire;
using Catch::Matchers::Contains;

namespace {

// Tags as the ABI lays them out, with the strings they point into.
struct TagArray {
  std::vector<std::pair<std::string, std::string>> text;
  std::vector<metrics_tag_t> tags;
  explicit TagArray(std::vector<std::pair<std::string, std::string>> t) : text(std::move(t)) {
    for (const auto& [k, v] : text) tags.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
  }
  const metrics_tag_t* data() const { return tags.data(); }
  size_t size() const { return tags.size(); }
};
TagArray tags_of(std::vector<std::pair<std::string, std::string>> t) {
  return TagArray(std::move(t));
}

std::string statsd(StatsdLine l) {
  return encode([&](Writer& w) { append_statsd(w, l); });
}
std::string dog(DogStatsdLine l) {
  return encode([&](Writer& w) { append_dogstatsd(w, l); });
}

}  // namespace

TEST_CASE("numbers are written in their shortest exact form", "[statsd][format]") {
  auto [value, text] = GENERATE(table<double, std::string>({
      {1, "1"},
      {-3, "-3"},
      {0, "0"},
      {2.5, "2.5"},
      {-3.5, "-3.5"},
      {0.1, "0.1"},
      {1e21, "1e+21"},
      {123456789012.0, "123456789012"},
  }));
  const double v = value;  // a structured binding cannot be captured by older clang
  CHECK(encode([&](Writer& w) { w.put_number(v); }) == text);
}

TEST_CASE("a plain statsd line has the daemon's exact form for every kind", "[statsd][format]") {
  StatsdLine l;
  l.name = "api.calls";
  l.value = 1;
  SECTION("a counter is name:V|c") {
    CHECK(statsd(l) == "api.calls:1|c");
  }
  SECTION("a sampled counter carries |@rate") {
    l.value = 3;
    l.sample_rate = 0.25;
    CHECK(statsd(l) == "api.calls:3|c|@0.25");
  }
  SECTION("a gauge is name:V|g") {
    l.type = MetricType::gauge;
    l.value = 42.5;
    CHECK(statsd(l) == "api.calls:42.5|g");
  }
  SECTION("a negative gauge is set to zero first, then changed, in one unit") {
    l.type = MetricType::gauge;
    l.value = -7;
    CHECK(statsd(l) == "api.calls:0|g\napi.calls:-7|g");
  }
  SECTION("a timing is name:V|ms, with its rate") {
    l.type = MetricType::timing;
    l.value = 12.5;
    l.sample_rate = 0.5;
    CHECK(statsd(l) == "api.calls:12.5|ms|@0.5");
  }
  SECTION("a distribution is sent as ms, since plain statsd has no d") {
    l.type = MetricType::distribution;
    l.value = 3;
    CHECK(statsd(l) == "api.calls:3|ms");
  }
  SECTION("a set is name:member|s") {
    l.type = MetricType::set;
    l.set_member = "user-1";
    CHECK(statsd(l) == "api.calls:user-1|s");
  }
  SECTION("the instance becomes a name suffix") {
    l.instance = "eu";
    CHECK(statsd(l) == "api.calls.eu:1|c");
  }
}

TEST_CASE("plain statsd writes tags in the chosen dialect", "[statsd][format]") {
  auto tags = tags_of({{"region", "eu"}, {"code", "200"}});
  StatsdLine l;
  l.name = "req";
  l.value = 1;
  l.tags = tags.data();
  l.tag_count = tags.size();
  auto [format, text] = GENERATE(table<TagFormat, std::string>({
      {TagFormat::none, "req:1|c"},
      {TagFormat::graphite, "req;region=eu;code=200:1|c"},
      {TagFormat::influx, "req,region=eu,code=200:1|c"},
      {TagFormat::dogstatsd, "req:1|c|#region:eu,code:200"},
  }));
  l.tag_format = format;
  CHECK(statsd(l) == text);
}

TEST_CASE("characters that break a statsd line are replaced with underscores", "[statsd][format]") {
  auto tags = tags_of({{"a;b", "c=d,e"}});
  StatsdLine l;
  l.name = "we:ird|na@me#x\ny";
  l.value = 1;
  l.tags = tags.data();
  l.tag_count = tags.size();
  SECTION("in the name, whatever the format") {
    CHECK(statsd(l) == "we_ird_na_me_x_y:1|c");
  }
  SECTION("graphite also replaces ; and =") {
    l.tag_format = TagFormat::graphite;
    CHECK(statsd(l) == "we_ird_na_me_x_y;a_b=c_d,e:1|c");
  }
  SECTION("influx also replaces , and =") {
    l.tag_format = TagFormat::influx;
    CHECK(statsd(l) == "we_ird_na_me_x_y,a;b=c_d_e:1|c");
  }
  SECTION("dogstatsd tags replace , and |") {
    l.tag_format = TagFormat::dogstatsd;
    CHECK(statsd(l) == "we_ird_na_me_x_y:1|c|#a;b:c=d_e");
  }
  SECTION("a set member cannot break the line either") {
    l.type = MetricType::set;
    l.set_member = "a|b:c";
    CHECK(statsd(l) == "we_ird_na_me_x_y:a_b_c|s");
  }
}

TEST_CASE("a DogStatsD line is name:V|type|@rate|#tags", "[dogstatsd][format]") {
  auto tags = tags_of({{"k", "v"}, {"n", "3"}, {"bare", ""}});
  DogStatsdLine l;
  l.name = "page.views";
  l.tags = tags.data();
  l.tag_count = tags.size();
  auto [type, code] = GENERATE(table<MetricType, std::string>({
      {MetricType::count, "c"},
      {MetricType::gauge, "g"},
      {MetricType::timing, "ms"},
      {MetricType::histogram, "h"},
      {MetricType::distribution, "d"},
  }));
  l.type = type;
  l.value = 2;
  l.sample_rate = 0.5;
  CHECK(dog(l) == "page.views:2|" + code + "|@0.5|#k:v,n:3,bare");
}

TEST_CASE("DogStatsD constant tags win over call tags and the instance becomes a tag",
          "[dogstatsd][format]") {
  std::vector<std::pair<std::string, std::string>> pairs{{"env", "prod"}, {"service", "web"}};
  std::vector<std::string> keys{"env", "service"};
  ConstantTags constant{encode_constant_tags(pairs), keys};
  auto tags = tags_of({{"env", "dev"}, {"route", "/a|b,c"}});
  DogStatsdLine l;
  l.name = "hits";
  l.value = 1;
  l.tags = tags.data();
  l.tag_count = tags.size();
  l.constant_tags = &constant;
  l.instance = "i1";
  CHECK(dog(l) == "hits:1|c|#route:/a_b_c,instance:i1,env:prod,service:web");
  SECTION("a set writes its member") {
    l.type = MetricType::set;
    l.set_member = "m";
    l.tag_count = 0;
    l.instance = {};
    CHECK(dog(l) == "hits:m|s|#env:prod,service:web");
  }
}

TEST_CASE("a DogStatsD event carries lengths, fields and tags", "[dogstatsd][format]") {
  auto tags = tags_of({{"k", "v"}});
  DogStatsdEvent e;
  e.title = "Deploy";
  e.text = "line1\nline2";
  e.tags = tags.data();
  e.tag_count = tags.size();
  SECTION("the minimal event") {
    e.tag_count = 0;
    CHECK(encode([&](Writer& w) { append_dogstatsd_event(w, e); }) ==
          "_e{6,12}:Deploy|line1\\nline2");
  }
  SECTION("a title and text are read by length, so a | in them stays") {
    e.title = "a|b";
    e.text = "c|d";
    e.tag_count = 0;
    CHECK(encode([&](Writer& w) { append_dogstatsd_event(w, e); }) == "_e{3,3}:a|b|c|d");
  }
  SECTION("every field, in the protocol's order") {
    e.timestamp_unix_s = 1700000000;
    e.hostname = "h1";
    e.aggregation_key = "agg";
    e.low_priority = true;
    e.source_type_name = "src";
    e.alert_type = "error";
    CHECK(encode([&](Writer& w) { append_dogstatsd_event(w, e); }) ==
          "_e{6,12}:Deploy|line1\\nline2|d:1700000000|h:h1|k:agg|p:low|s:src|t:error|#k:v");
  }
}

TEST_CASE("the context hash tells apart inputs of every length and seed", "[statsd][aggregator]") {
  std::set<uint64_t> seen;
  std::string text;
  for (int len = 0; len < 100; ++len) {
    for (char c : {'a', 'b'}) {
      std::string s = text + c;
      for (uint64_t seed : {0ull, 1ull, 2ull}) seen.insert(hash_bytes(s.data(), s.size(), seed));
    }
    text += static_cast<char>('a' + len % 26);
  }
  CHECK(seen.size() == 100 * 2 * 3);
  // Chained parts: moving a byte across a boundary, or a tag between types, changes it.
  auto chain = [](uint64_t seed, std::string a, std::string b) {
    uint64_t h = hash_step(hash_seed(seed), a.data(), a.size());
    return hash_final(hash_step(h ^ 1, b.data(), b.size()));
  };
  CHECK(chain(0, "ab", "c") != chain(0, "a", "bc"));
  CHECK(chain(0, "ab", "") != chain(0, "a", "b"));
  CHECK(chain(0, "x", "y") != chain(1, "x", "y"));
  // The same bytes hash the same wherever they lie.
  std::string a = "xxhello", b = "hello";
  CHECK(hash_bytes(a.data() + 2, 5) == hash_bytes(b.data(), 5));
}

TEST_CASE("the packer never exceeds the datagram size and rolls back a line that does not fit",
          "[statsd][buffer]") {
  Buffer b(32);
  auto line = [](std::string text) { return [text](Writer& w) { w.put(text); }; };
  REQUIRE(pack(b, line("aaaaaaaaaa")) == PackResult::ok);    // 10
  REQUIRE(pack(b, line("bbbbbbbbbb")) == PackResult::ok);    // 21 with the newline
  CHECK(pack(b, line("cccccccccccc")) == PackResult::full);  // 34 > 32
  CHECK(b.view() == "aaaaaaaaaa\nbbbbbbbbbb");
  CHECK(b.metrics == 2);
  REQUIRE(pack(b, line("dddddddddd")) == PackResult::ok);  // exactly 32
  CHECK(b.size == 32);
  b.clear();
  CHECK(pack(b, line(std::string(33, 'x'))) == PackResult::too_big);
  CHECK(b.empty());
}

TEST_CASE("the aggregator sums counters, keeps the last gauge and unique set members",
          "[dogstatsd][aggregator]") {
  Aggregator agg(4);
  auto add = [&](MetricType t, std::string key, double v, std::string member = {}) {
    agg.add(t, hash_bytes(key.data(), key.size(), static_cast<uint64_t>(t)), v, member, [&] {
      return ContextLines{key, "|#t:1"};
    });
  };
  add(MetricType::count, "c1", 1);
  add(MetricType::count, "c1", 2.5);
  add(MetricType::count, "c2", 4);
  add(MetricType::gauge, "g1", 5);
  add(MetricType::gauge, "g1", -2);
  add(MetricType::set, "s1", 0, "a");
  add(MetricType::set, "s1", 0, "b");
  add(MetricType::set, "s1", 0, "a");
  std::map<std::string, std::string> lines;
  agg.flush([&](const AggregatedMetric& m) {
    std::string text;
    if (m.type == MetricType::set)
      text = std::to_string(m.members->size()) + " members";
    else
      text = encode([&](Writer& w) {
        append_context_line(w, m.lines->head, m.lines->tail, m.type, m.value, {});
      });
    lines[m.lines->head] = text;
  });
  CHECK(lines.size() == 4);
  CHECK(lines["c1"] == "c1:3.5|c|#t:1");
  CHECK(lines["c2"] == "c2:4|c|#t:1");
  CHECK(lines["g1"] == "g1:-2|g|#t:1");
  CHECK(lines["s1"] == "2 members");
  SECTION("a flush empties it") {
    int n = 0;
    agg.flush([&](const AggregatedMetric&) { ++n; });
    CHECK(n == 0);
  }
}

TEST_CASE("aggregated contexts outlive a flush while in use and are forgotten when idle",
          "[dogstatsd][aggregator]") {
  Aggregator agg(2);
  int made = 0;
  auto add = [&](MetricType t, const std::string& key, double v) {
    agg.add(t, hash_bytes(key.data(), key.size(), static_cast<uint64_t>(t)), v, {}, [&] {
      ++made;
      return ContextLines{key, ""};
    });
  };
  auto flush = [&] {
    std::map<std::string, double> sent;
    agg.flush([&](const AggregatedMetric& m) { sent[m.lines->head] = m.value; });
    return sent;
  };
  add(MetricType::count, "steady", 1);
  add(MetricType::gauge, "level", 5);
  CHECK(flush() == std::map<std::string, double>{{"steady", 1}, {"level", 5}});
  SECTION("a context in steady use is made once") {
    for (int i = 0; i < 30; ++i) {
      add(MetricType::count, "steady", 2);
      CHECK(flush() == std::map<std::string, double>{{"steady", 2}});
    }
    CHECK(made == 2);
    CHECK(agg.contexts() == 1);  // "level" was idle for more than the limit
  }
  SECTION("a gauge not updated since the last flush is not sent again") {
    CHECK(flush().empty());
    add(MetricType::gauge, "level", 6);
    CHECK(flush() == std::map<std::string, double>{{"level", 6}});
  }
  SECTION("contexts idle for more than the limit are forgotten") {
    for (uint32_t i = 0; i <= Defaults::context_idle_flushes; ++i) flush();
    CHECK(agg.contexts() == 0);
    add(MetricType::count, "steady", 1);
    CHECK(made == 3);
  }
}

TEST_CASE("the aggregator merges what several threads added to one context",
          "[dogstatsd][aggregator]", ) {
  Aggregator agg(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        std::string key = "hits" + std::to_string(i % 10);
        agg.add(MetricType::count, hash_bytes(key.data(), key.size()), 1, {}, [&] {
          return ContextLines{key, ""};
        });
      }
    });
  for (auto& t : threads) t.join();
  std::map<std::string, double> sums;
  agg.flush([&](const AggregatedMetric& m) { sums[m.lines->head] += m.value; });
  REQUIRE(sums.size() == 10);
  for (const auto& [k, v] : sums) CHECK(v == 4000);
}

TEST_CASE("a thread that finds its aggregator shard held moves to another one",
          "[dogstatsd][aggregator][threads]") {
  // Thread indices 1000 and 1004 pick the same of 4 shards. The first thread holds that
  // shard's lock while it makes a new context (make_lines runs under it); the second must
  // get its count in meanwhile, on another shard, not wait for the first.
  Aggregator agg(4);
  std::atomic<bool> holding{false}, release{false}, second_done{false};
  auto add = [&](const std::string& key, auto&& make_lines) {
    agg.add(MetricType::count, hash_bytes(key.data(), key.size()), 1, {}, make_lines);
  };
  details::next_thread_index = 1000;
  std::thread first([&] {
    add("first", [&] {
      holding = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return ContextLines{"first", ""};
    });
  });
  while (!holding) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  details::next_thread_index = 1004;
  std::thread second([&] {
    add("second", [] { return ContextLines{"second", ""}; });
    second_done = true;
  });
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!second_done && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(second_done);
  release = true;
  first.join();
  second.join();
  std::map<std::string, double> sums;
  agg.flush([&](const AggregatedMetric& m) { sums[m.lines->head] += m.value; });
  CHECK(sums == std::map<std::string, double>{{"first", 1}, {"second", 1}});
}

TEST_CASE("addresses are read in every form datadog clients accept", "[statsd][options]") {
  SECTION("host:port") {
    auto e = parse_endpoint("agent.local:9125");
    CHECK(e.kind == Endpoint::Kind::udp);
    CHECK(e.host == "agent.local");
    CHECK(e.port == 9125);
  }
  SECTION("udp://host:port") {
    auto e = parse_endpoint("udp://10.0.0.1:8126");
    CHECK(e.host == "10.0.0.1");
    CHECK(e.port == 8126);
  }
  SECTION("[ipv6]:port and a bare IPv6 address") {
    CHECK(parse_endpoint("[::1]:9000").host == "::1");
    CHECK(parse_endpoint("[::1]:9000").port == 9000);
    CHECK(parse_endpoint("fe80::1").host == "fe80::1");
    CHECK(parse_endpoint("fe80::1").port == 8125);
  }
  SECTION("unix:// and a bare path are Unix sockets") {
    CHECK(parse_endpoint("unix:///var/run/dsd.socket").path == "/var/run/dsd.socket");
    CHECK(parse_endpoint("/tmp/x.sock").kind == Endpoint::Kind::uds);
  }
  SECTION("a bad port or scheme says which forms work") {
    CHECK_THROWS_WITH(parse_endpoint("host:99999"), Contains("1 to 65535"));
    CHECK_THROWS_WITH(parse_endpoint("tcp://host:1"), Contains("unix:///path"));
  }
}
