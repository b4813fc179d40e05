// Options: the schema the host sees, the key from the environment, and clear refusals.
#include <catch2/catch.hpp>

#include <cstring>
#include <string_view>

#include "backend.hpp"
#include "harness.hpp"
#include "options.hpp"

using namespace metrics::datadog;
using namespace dd_test;
using Catch::Matchers::Contains;

namespace {

const metrics_backend_class_t& klass() {
  return metrics::sdk::details::ClassAdapter<DatadogMetricsBackend>::klass;
}

Settings settings(const OptionMap& m, const char* (*getenv)(const char*)) {
  OptionValues values(klass(), m);
  return settings_from_options(metrics::sdk::Options(values.data(), values.size()), getenv);
}

const char* no_env(const char*) {
  return nullptr;
}
const char* env_with_key(const char* name) {
  if (std::strcmp(name, "DD_API_KEY") == 0) return "key-from-dd-api-key";
  if (std::strcmp(name, "MY_KEY") == 0) return "key-from-my-key";
  return nullptr;
}

const metrics_option_spec_t& spec(const char* name) {
  for (size_t i = 0; i < datadog_class().option_count; ++i)
    if (std::string_view(datadog_class().options[i]->name) == name)
      return *datadog_class().options[i];
  FAIL("no option " << name);
  throw 0;
}

}  // namespace

TEST_CASE("the module's schema has every option of the issue, keys secret and not required",
          "[datadog][options]") {
  for (const char* name :
       {"api_key", "app_key", "site", "url", "tags", "host", "flush_interval_s", "timeout_s",
        "max_retries", "max_buffer_points", "ca_file", "compression"})
    CHECK(spec(name).struct_size == sizeof(metrics_option_spec_t));
  CHECK((spec("api_key").flags & METRICS_OPTION_SECRET) != 0);
  CHECK((spec("app_key").flags & METRICS_OPTION_SECRET) != 0);
  CHECK((spec("api_key").flags & METRICS_OPTION_REQUIRED) == 0);
  CHECK(std::string(spec("site").default_value) == "datadoghq.com");
  CHECK(std::string(spec("flush_interval_s").default_value) == "10");
  CHECK(std::string(spec("compression").default_value) == "gzip");
  CHECK(spec("tags").type == METRICS_OPTION_TAGS);
  CHECK(std::string(datadog_module().module_name) == "metrics.datadog");
}

TEST_CASE("without api_key the DD_API_KEY environment variable is used", "[datadog][options]") {
  auto s = settings({}, &env_with_key);
  CHECK(s.api_key == "key-from-dd-api-key");
  CHECK(s.base_url == "https://api.datadoghq.com");
  CHECK(s.compression == Compression::gzip);
  CHECK(s.flush_interval == std::chrono::seconds(10));
  CHECK_FALSE(s.host.empty());
}

TEST_CASE("an api_key given as env:NAME is read from that variable", "[datadog][options]") {
  CHECK(settings({{"api_key", std::string("env:MY_KEY")}}, &env_with_key).api_key ==
        "key-from-my-key");
  CHECK_THROWS_WITH(settings({{"api_key", std::string("env:NOT_THERE")}}, &env_with_key),
                    Contains("NOT_THERE") && Contains("not set"));
}

TEST_CASE("with no key anywhere create fails and says how to give one", "[datadog][options]") {
  CHECK_THROWS_WITH(settings({}, &no_env), Contains("api_key") && Contains("DD_API_KEY"));
}

TEST_CASE("site makes the API base, url overrides it, and only https is accepted",
          "[datadog][options]") {
  auto k = std::string("k");
  CHECK(settings({{"api_key", k}, {"site", std::string("datadoghq.eu")}}, &no_env).base_url ==
        "https://api.datadoghq.eu");
  CHECK(settings({{"api_key", k}, {"url", std::string("https://proxy:8443/dd/")}}, &no_env)
            .base_url == "https://proxy:8443/dd");
  CHECK_THROWS_WITH(settings({{"api_key", k}, {"url", std::string("http://proxy")}}, &no_env),
                    Contains("https://"));
  CHECK_THROWS_WITH(settings({{"api_key", k}, {"site", std::string("a/b")}}, &no_env),
                    Contains("site"));
  CHECK_THROWS_WITH(
      settings({{"api_key", k}, {"ca_file", std::string("/nonexistent/ca.pem")}}, &no_env),
      Contains("ca_file"));
}

TEST_CASE("constant tags, host and timings are read from the options", "[datadog][options]") {
  auto s = settings({{"api_key", std::string("k")},
                     {"tags", Tags{{"env", "prod"}, {"team", "a"}}},
                     {"host", std::string("box-1")},
                     {"flush_interval_s", 0.25},
                     {"retry_base_s", 0.5},
                     {"retry_max_s", 0.1},
                     {"max_buffer_points", int64_t{77}},
                     {"compression", std::string("none")}},
                    &no_env);
  CHECK(s.constant_tags == Tags{{"env", "prod"}, {"team", "a"}});
  CHECK(s.host == "box-1");
  CHECK(s.flush_interval == std::chrono::milliseconds(250));
  CHECK(s.retry_base == std::chrono::milliseconds(500));
  CHECK(s.retry_max == s.retry_base);  // a cap below the base is raised to it
  CHECK(s.max_buffer_points == 77);
  CHECK(s.compression == Compression::none);
}

TEST_CASE("a refused create through the C ABI explains itself without showing the key",
          "[datadog][options]") {
  RecordingHost host;
  auto error = Backend::create_error(
      {{"api_key", kApiKey}, {"url", std::string("http://127.0.0.1:1")}}, host);
  CHECK_THAT(error, Contains("must start with https://"));
  CHECK(error.find(kApiKey) == std::string::npos);
  CHECK(host.all_lines().find(kApiKey) == std::string::npos);
}
