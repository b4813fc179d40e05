// JSON encoding of series, distribution points and events.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "json_helpers.hpp"
#include "payload.hpp"

using namespace metrics::datadog;
using dd_test::parse_object;
using dd_test::string_array;
using metrics::sdk::Kind;

namespace {

Context ctx(Kind kind, std::string name, double value,
            std::vector<std::pair<std::string, std::string>> tags = {}) {
  Context c;
  c.kind = kind;
  c.name = std::move(name);
  c.value = value;
  c.tags = std::move(tags);
  return c;
}

EncodeEnv env() {
  EncodeEnv e;
  e.host = "web-1";
  e.constant_tags = {{"env", "prod"}};
  e.interval_s = 10;
  return e;
}

}  // namespace

TEST_CASE("merged tags: call tags, then the instance, then constant tags that win",
          "[datadog][payload]") {
  auto e = env();
  CHECK(merge_tags({{"env", "dev"}, {"a", "1"}, {"flag", ""}}, "i9", e) ==
        std::vector<std::string>{"a:1", "flag", "instance:i9", "env:prod"});
  CHECK(merge_tags({{"instance", "call"}}, "given", e) ==
        std::vector<std::string>{"instance:given", "env:prod"});
  CHECK(merge_tags({}, {}, EncodeEnv{}).empty());
}

TEST_CASE("a counter is a count series with its interval, a gauge has none", "[datadog][payload]") {
  std::vector<Context> contexts{ctx(Kind::counter, "c", 2.5, {{"a", "b"}}),
                                ctx(Kind::gauge, "g", -1e-3)};
  contexts[1].unit = "second";
  auto out = encode_interval(contexts, env(), 1700000000);
  REQUIRE(out.series.size() == 2);
  CHECK(out.distributions.empty());
  auto c = parse_object(out.series[0].json);
  CHECK(c->getValue<std::string>("metric") == "c");
  CHECK(c->getValue<int>("type") == 1);
  CHECK(c->getValue<int64_t>("interval") == 10);
  auto p = c->getArray("points")->getObject(0);
  CHECK(p->getValue<int64_t>("timestamp") == 1700000000);
  CHECK(p->getValue<double>("value") == 2.5);
  CHECK(string_array(c->getArray("tags")) == std::vector<std::string>{"a:b", "env:prod"});
  auto r = c->getArray("resources")->getObject(0);
  CHECK(r->getValue<std::string>("name") == "web-1");
  CHECK(r->getValue<std::string>("type") == "host");
  CHECK_FALSE(c->has("unit"));
  auto g = parse_object(out.series[1].json);
  CHECK(g->getValue<int>("type") == 3);
  CHECK_FALSE(g->has("interval"));
  CHECK(g->getValue<std::string>("unit") == "second");
  CHECK(g->getArray("points")->getObject(0)->getValue<double>("value") == -1e-3);
  CHECK(out.series[0].timestamp == 1700000000);
}

TEST_CASE("names and tags with quotes, backslashes and control characters stay valid JSON",
          "[datadog][payload]") {
  std::string nasty = "a\"b\\c\nd\te\x01f/é";
  auto out = encode_interval({ctx(Kind::gauge, nasty, 1, {{"k", nasty}})}, env(), 1);
  auto g = parse_object(out.series.at(0).json);
  CHECK(g->getValue<std::string>("metric") == nasty);
  CHECK(string_array(g->getArray("tags"))[0] == "k:" + nasty);
}

TEST_CASE("a set is a gauge of its unique members", "[datadog][payload]") {
  auto c = ctx(Kind::set, "users", 0);
  c.members = {"a", "b", "c"};
  auto out = encode_interval({c}, env(), 5);
  auto s = parse_object(out.series.at(0).json);
  CHECK(s->getValue<int>("type") == 3);
  CHECK(s->getArray("points")->getObject(0)->getValue<double>("value") == 3);
}

TEST_CASE("distribution points carry every value with host and type", "[datadog][payload]") {
  auto c = ctx(Kind::timing, "lat", 0);
  c.values = {1.5, 2, 1e6};
  auto out = encode_interval({c}, env(), 42);
  REQUIRE(out.distributions.size() == 1);
  CHECK(out.distributions[0].points == 3);
  auto d = parse_object(out.distributions[0].json);
  CHECK(d->getValue<std::string>("type") == "distribution");
  CHECK(d->getValue<std::string>("host") == "web-1");
  auto point = d->getArray("points")->getArray(0);
  CHECK(point->getElement<int64_t>(0) == 42);
  auto values = point->getArray(1);
  REQUIRE(values->size() == 3);
  CHECK(values->getElement<double>(2) == 1e6);
}

TEST_CASE("values that are not finite are left out and counted", "[datadog][payload]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  auto d = ctx(Kind::distribution, "d", 0);
  d.values = {1, nan, 2, inf};
  auto out = encode_interval({ctx(Kind::gauge, "g", nan), d}, env(), 1);
  CHECK(out.series.empty());
  REQUIRE(out.distributions.size() == 1);
  CHECK(out.distributions[0].points == 2);
  CHECK(out.skipped_non_finite == 3);
}

TEST_CASE("an event body has its fields and leaves out the empty optional ones",
          "[datadog][payload]") {
  EventData e;
  e.title = "Deploy \"v2\"";
  e.text = "line1\nline2";
  e.tags = {{"svc", "api"}};
  e.alert_type = "error";
  e.priority = "low";
  auto item = encode_event(e, env(), 1234);
  CHECK(item.timestamp == 1234);
  auto o = parse_object(item.json);
  CHECK(o->getValue<std::string>("title") == e.title);
  CHECK(o->getValue<std::string>("text") == e.text);
  CHECK(o->getValue<std::string>("alert_type") == "error");
  CHECK(o->getValue<std::string>("priority") == "low");
  CHECK(o->getValue<std::string>("host") == "web-1");
  CHECK(string_array(o->getArray("tags")) == std::vector<std::string>{"svc:api", "env:prod"});
  CHECK_FALSE(o->has("aggregation_key"));
  CHECK_FALSE(o->has("date_happened"));
  e.timestamp = 99;
  e.aggregation_key = "deploys";
  e.hostname = "other";
  auto o2 = parse_object(encode_event(e, env(), 1234).json);
  CHECK(o2->getValue<int64_t>("date_happened") == 99);
  CHECK(o2->getValue<std::string>("aggregation_key") == "deploys");
  CHECK(o2->getValue<std::string>("host") == "other");
}
