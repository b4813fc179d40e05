#include "payload.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "defaults.hpp"

namespace metrics::datadog {

using metrics::sdk::Kind;

void append_json_number(std::string& out, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

namespace {

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

// Calls fn(key, value) for each tag a series or event carries, in order: call tags, then
// instance:<value>, then the constant tags; a later key replaces an earlier one.
template <class Fn>
void for_each_tag(const std::vector<std::pair<std::string, std::string>>& call,
                  std::string_view instance, const EncodeEnv& env, Fn&& fn) {
  auto constant = [&](std::string_view key) {
    for (const auto& [k, v] : env.constant_tags)
      if (k == key) return true;
    return false;
  };
  for (const auto& [k, v] : call)
    if (!(k == "instance" && !instance.empty()) && !constant(k)) fn(k, v);
  if (!instance.empty() && !constant("instance")) fn("instance", instance);
  for (const auto& [k, v] : env.constant_tags) fn(k, v);
}

// Appends "tags":["k:v",...] without building the strings first.
void append_merged_tags(std::string& out,
                        const std::vector<std::pair<std::string, std::string>>& call,
                        std::string_view instance, const EncodeEnv& env) {
  out += "\"tags\":[";
  bool first = true;
  for_each_tag(call, instance, env, [&](std::string_view k, std::string_view v) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    append_json_escaped(out, k);
    if (!v.empty()) {
      out.push_back(':');
      append_json_escaped(out, v);
    }
    out.push_back('"');
  });
  out.push_back(']');
}

void append_series(std::string& out, const Context& c, SeriesType type, double value,
                   const EncodeEnv& env, int64_t ts) {
  out += "{\"metric\":";
  append_json_string(out, c.name);
  out += ",\"type\":";
  append_int(out, static_cast<int>(type));
  out += ",\"points\":[{\"timestamp\":";
  append_int(out, ts);
  out += ",\"value\":";
  append_json_number(out, value);
  out += "}],";
  append_merged_tags(out, c.tags, c.instance, env);
  out += ",\"resources\":[{\"name\":";
  append_json_string(out, env.host);
  out += ",\"type\":\"host\"}]";
  if (!c.unit.empty()) {
    out += ",\"unit\":";
    append_json_string(out, c.unit);
  }
  if (type == SeriesType::count) {
    out += ",\"interval\":";
    append_int(out, env.interval_s);
  }
  out.push_back('}');
}

void append_distribution(std::string& out, const Context& c, const double* values, size_t n,
                         const EncodeEnv& env, int64_t ts) {
  out += "{\"metric\":";
  append_json_string(out, c.name);
  out += ",\"points\":[[";
  append_int(out, ts);
  out += ",[";
  for (size_t i = 0; i < n; ++i) {
    if (i != 0) out.push_back(',');
    append_json_number(out, values[i]);
  }
  out += "]]],";
  append_merged_tags(out, c.tags, c.instance, env);
  out += ",\"host\":";
  append_json_string(out, env.host);
  out += ",\"type\":\"distribution\"}";
}

}  // namespace

std::vector<std::string> merge_tags(const std::vector<std::pair<std::string, std::string>>& call,
                                    std::string_view instance, const EncodeEnv& env) {
  std::vector<std::string> out;
  for_each_tag(call, instance, env, [&](std::string_view k, std::string_view v) {
    std::string t(k);
    if (!v.empty()) {
      t.push_back(':');
      t.append(v);
    }
    out.push_back(std::move(t));
  });
  return out;
}

EncodedInterval encode_interval(const std::vector<Context>& contexts, const EncodeEnv& env,
                                int64_t ts) {
  EncodedInterval out;
  out.series.reserve(contexts.size());
  for (const Context& c : contexts) {
    switch (c.kind) {
      case Kind::counter:
      case Kind::gauge:
      case Kind::set: {
        double value = c.kind == Kind::set ? static_cast<double>(c.members.size()) : c.value;
        if (!std::isfinite(value)) {
          ++out.skipped_non_finite;
          break;
        }
        Item item{ts, 1, {}};
        item.json.reserve(160 + c.name.size());
        append_series(item.json, c, c.kind == Kind::counter ? SeriesType::count : SeriesType::gauge,
                      value, env, ts);
        out.series.push_back(std::move(item));
        break;
      }
      case Kind::timing:
      case Kind::distribution: {
        std::vector<double> finite;
        const std::vector<double>* values = &c.values;
        if (std::any_of(c.values.begin(), c.values.end(),
                        [](double v) { return !std::isfinite(v); })) {
          for (double v : c.values)
            if (std::isfinite(v))
              finite.push_back(v);
            else
              ++out.skipped_non_finite;
          values = &finite;
        }
        const size_t step = defaults::max_values_per_distribution_point;
        for (size_t i = 0; i < values->size(); i += step) {
          size_t n = std::min(step, values->size() - i);
          Item item{ts, static_cast<uint32_t>(n), {}};
          item.json.reserve(120 + c.name.size() + n * 8);
          append_distribution(item.json, c, values->data() + i, n, env, ts);
          out.distributions.push_back(std::move(item));
        }
        break;
      }
    }
  }
  return out;
}

Item encode_event(const EventData& e, const EncodeEnv& env, int64_t now) {
  Item item{e.timestamp != 0 ? e.timestamp : now, 1, {}};
  std::string& out = item.json;
  out += "{\"title\":";
  append_json_string(out, e.title);
  out += ",\"text\":";
  append_json_string(out, e.text);
  out.push_back(',');
  append_merged_tags(out, e.tags, {}, env);
  out += ",\"alert_type\":";
  append_json_string(out, e.alert_type);
  out += ",\"priority\":";
  append_json_string(out, e.priority);
  out += ",\"host\":";
  append_json_string(out, e.hostname.empty() ? env.host : e.hostname);
  if (!e.aggregation_key.empty()) {
    out += ",\"aggregation_key\":";
    append_json_string(out, e.aggregation_key);
  }
  if (!e.source_type_name.empty()) {
    out += ",\"source_type_name\":";
    append_json_string(out, e.source_type_name);
  }
  if (e.timestamp != 0) {
    out += ",\"date_happened\":";
    append_int(out, e.timestamp);
  }
  out.push_back('}');
  return item;
}

}  // namespace metrics::datadog
