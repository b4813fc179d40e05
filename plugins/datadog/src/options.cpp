#include "options.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace metrics::datadog {

const char* content_encoding(Compression c) noexcept {
  switch (c) {
    case Compression::gzip:
      return "gzip";
    case Compression::deflate:
      return "deflate";
    case Compression::none:
      break;
  }
  return "";
}

std::string default_host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof(buffer) - 1) != 0 || buffer[0] == '\0') return "localhost";
  return buffer;
}

namespace {

std::chrono::milliseconds seconds_option(const metrics::sdk::Options& o, const char* name,
                                         double fallback) {
  double s = o.number(name, fallback);
  if (!std::isfinite(s) || s < 0)
    throw std::invalid_argument(std::string("option '") + name +
                                "' must be a non-negative number of seconds");
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(s * 1000.0)));
}

// A secret given as "env:NAME" that reached us unresolved (no host in between) is read
// here; the message on failure names the variable, never a value.
std::string resolve_secret(std::string value, const char* option,
                           const char* (*getenv)(const char*)) {
  if (value.rfind("env:", 0) != 0) return value;
  std::string var = value.substr(4);
  const char* v = getenv(var.c_str());
  if (v == nullptr || *v == '\0')
    throw std::invalid_argument(std::string("option '") + option +
                                "' names the environment variable " + var + ", which is not set");
  return v;
}

std::string base_url_from(const metrics::sdk::Options& o) {
  std::string url = o.string("url");
  if (url.empty()) {
    std::string site = o.string("site", defaults::site);
    if (site.empty() || site.find_first_of("/: ") != std::string::npos)
      throw std::invalid_argument(
          "option 'site' must be a domain such as \"datadoghq.com\" or "
          "\"datadoghq.eu\", saw \"" +
          site + "\"");
    return "https://api." + site;
  }
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("option 'url' is not a URL: " + e.displayText());
  }
  if (uri.getScheme() != "https")
    throw std::invalid_argument(
        "option 'url' must start with https:// (certificates are "
        "always verified), saw \"" +
        url + "\"");
  if (uri.getHost().empty())
    throw std::invalid_argument("option 'url' has no host: \"" + url + "\"");
  std::string path = uri.getPath();
  while (!path.empty() && path.back() == '/') path.pop_back();
  std::string base = "https://" + uri.getAuthority() + path;
  return base;
}

}  // namespace

Settings settings_from_options(const metrics::sdk::Options& o, const char* (*getenv)(const char*)) {
  if (getenv == nullptr) getenv = [](const char* n) -> const char* { return std::getenv(n); };
  Settings s;
  s.api_key = resolve_secret(o.string("api_key"), "api_key", getenv);
  if (s.api_key.empty()) {
    const char* env = getenv(defaults::api_key_env);
    if (env != nullptr) s.api_key = env;
  }
  if (s.api_key.empty())
    throw std::invalid_argument(
        "no Datadog API key: set the option api_key (e.g. api_key = \"env:DD_API_KEY\") or the "
        "environment variable DD_API_KEY");
  if (s.api_key.find_first_of("\r\n") != std::string::npos)
    throw std::invalid_argument("the Datadog API key contains a line break");
  s.app_key = resolve_secret(o.string("app_key"), "app_key", getenv);
  if (s.app_key.find_first_of("\r\n") != std::string::npos)
    throw std::invalid_argument("the Datadog application key contains a line break");

  s.base_url = base_url_from(o);
  s.constant_tags = o.tags("tags");
  s.host = o.string("host");
  if (s.host.empty()) s.host = default_host_name();

  s.flush_interval = seconds_option(o, "flush_interval_s", defaults::flush_interval_s);
  if (s.flush_interval.count() < 10)
    throw std::invalid_argument("option 'flush_interval_s' must be at least 0.01");
  s.timeout = seconds_option(o, "timeout_s", defaults::timeout_s);
  if (s.timeout.count() < 1) throw std::invalid_argument("option 'timeout_s' must be positive");
  s.max_retries = o.integer("max_retries", defaults::max_retries);
  if (s.max_retries < 0) throw std::invalid_argument("option 'max_retries' must be 0 or more");
  s.retry_base = seconds_option(o, "retry_base_s", defaults::retry_base_s);
  s.retry_max = seconds_option(o, "retry_max_s", defaults::retry_max_s);
  if (s.retry_base.count() < 1) s.retry_base = std::chrono::milliseconds(1);
  if (s.retry_max < s.retry_base) s.retry_max = s.retry_base;
  s.shutdown_timeout = seconds_option(o, "shutdown_timeout_s", defaults::shutdown_timeout_s);
  s.max_buffer_points = o.integer("max_buffer_points", defaults::max_buffer_points);
  if (s.max_buffer_points < 1)
    throw std::invalid_argument("option 'max_buffer_points' must be at least 1");

  s.ca_file = o.string("ca_file");
  if (!s.ca_file.empty() && !std::ifstream(s.ca_file).good())
    throw std::invalid_argument("option 'ca_file': cannot read \"" + s.ca_file + "\"");

  std::string c = o.string("compression", defaults::compression);
  if (c == "gzip")
    s.compression = Compression::gzip;
  else if (c == "deflate")
    s.compression = Compression::deflate;
  else if (c == "none")
    s.compression = Compression::none;
  else
    throw std::invalid_argument("option 'compression' must be gzip, deflate or none, saw \"" + c +
                                "\"");
  return s;
}

}  // namespace metrics::datadog
