// Declaring a backend's option schema, and reading validated options in its constructor.
#pragma once

#include <metrics/abi.h>
#include <metrics/sdk/views.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metrics::sdk {

/// One schema entry, built at compile time:
///
///     static constexpr metrics::sdk::Option options[] = {
///         metrics::sdk::string_option("host", "127.0.0.1", "Agent host name or address"),
///         metrics::sdk::int_option("port", "8125", "Agent UDP port").range(1, 65535),
///         metrics::sdk::string_option("api_key", nullptr, "API key").required().secret(),
///     };
struct Option {
  metrics_option_spec_t spec;

  constexpr Option required() const {
    Option o = *this;
    o.spec.flags |= METRICS_OPTION_REQUIRED;
    return o;
  }
  /// Never printed by the host; the config may say "env:NAME" to read it from the environment.
  constexpr Option secret() const {
    Option o = *this;
    o.spec.flags |= METRICS_OPTION_SECRET;
    return o;
  }
  /// Inclusive bounds for int and float options.
  constexpr Option range(double min_value, double max_value) const {
    Option o = *this;
    o.spec.flags |= METRICS_OPTION_HAS_RANGE;
    o.spec.min_value = min_value;
    o.spec.max_value = max_value;
    return o;
  }
  /// Allowed values of a string option: a static, nullptr-terminated array.
  constexpr Option one_of(const char* const* choices) const {
    Option o = *this;
    o.spec.choices = choices;
    return o;
  }
};

namespace details {
constexpr Option make_option(metrics_option_type_t type, const char* name,
                             const char* default_value, const char* description) {
  return Option{metrics_option_spec_t{sizeof(metrics_option_spec_t), static_cast<uint32_t>(type),
                                      name, description, default_value, 0u, 0u, 0.0, 0.0, nullptr}};
}
}  // namespace details

// default_value is text: a string as it is, other types as TOML writes them; nullptr = none.
constexpr Option string_option(const char* name, const char* default_value,
                               const char* description) {
  return details::make_option(METRICS_OPTION_STRING, name, default_value, description);
}
constexpr Option int_option(const char* name, const char* default_value, const char* description) {
  return details::make_option(METRICS_OPTION_INT, name, default_value, description);
}
constexpr Option float_option(const char* name, const char* default_value,
                              const char* description) {
  return details::make_option(METRICS_OPTION_FLOAT, name, default_value, description);
}
constexpr Option bool_option(const char* name, const char* default_value, const char* description) {
  return details::make_option(METRICS_OPTION_BOOL, name, default_value, description);
}
constexpr Option string_list_option(const char* name, const char* default_value,
                                    const char* description) {
  return details::make_option(METRICS_OPTION_STRING_LIST, name, default_value, description);
}
/// A tag set: a TOML table ({ env = "prod" }) or an array of "key:value" strings.
constexpr Option tags_option(const char* name, const char* default_value, const char* description) {
  return details::make_option(METRICS_OPTION_TAGS, name, default_value, description);
}

/// The validated options handed to a backend's constructor. The host has already checked
/// names, types, ranges and required entries against the schema, so a lookup of a
/// declared option never fails; asking for an undeclared name throws std::logic_error
/// (a programming error, reported as a create failure).
class Options {
 public:
  Options() = default;
  Options(const metrics_option_value_t* const* values, size_t count) noexcept
      : values_(values), count_(count) {}

  /// True when the config or the schema's default gave a value.
  bool has(std::string_view name) const { return get(name).is_set != 0; }
  /// True when the config file itself set the option (not the default).
  bool from_config(std::string_view name) const {
    const auto& v = get(name);
    return v.is_set != 0 && v.from_config != 0;
  }
  std::string string(std::string_view name, std::string_view fallback = {}) const {
    const auto& v = get(name);
    return v.is_set ? std::string(to_view(v.string_value)) : std::string(fallback);
  }
  int64_t integer(std::string_view name, int64_t fallback = 0) const {
    const auto& v = get(name);
    return v.is_set ? v.int_value : fallback;
  }
  double number(std::string_view name, double fallback = 0.0) const {
    const auto& v = get(name);
    if (!v.is_set) return fallback;
    return v.type == METRICS_OPTION_INT ? static_cast<double>(v.int_value) : v.float_value;
  }
  bool boolean(std::string_view name, bool fallback = false) const {
    const auto& v = get(name);
    return v.is_set ? v.bool_value != 0 : fallback;
  }
  std::vector<std::string> strings(std::string_view name) const {
    const auto& v = get(name);
    std::vector<std::string> out;
    if (!v.is_set) return out;
    for (size_t i = 0; i < v.list_size; ++i) out.emplace_back(to_view(v.list_items[i]));
    return out;
  }
  std::vector<std::pair<std::string, std::string>> tags(std::string_view name) const {
    const auto& v = get(name);
    std::vector<std::pair<std::string, std::string>> out;
    if (!v.is_set) return out;
    for (size_t i = 0; i + 1 < v.list_size; i += 2)
      out.emplace_back(std::string(to_view(v.list_items[i])),
                       std::string(to_view(v.list_items[i + 1])));
    return out;
  }

 private:
  const metrics_option_value_t& get(std::string_view name) const {
    for (size_t i = 0; i < count_; ++i)
      if (to_view(values_[i]->name) == name) return *values_[i];
    throw std::logic_error("option '" + std::string(name) + "' is not in this class's schema");
  }

  const metrics_option_value_t* const* values_ = nullptr;
  size_t count_ = 0;
};

}  // namespace metrics::sdk
