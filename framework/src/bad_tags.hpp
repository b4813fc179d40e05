// Sentry's bad-tag rule: tag keys that would make a metric's cardinality explode (ids,
// events, projects, groups) are refused unless allowed. Used where tags are read (config
// tags when the config is parsed, base tags when a pipeline is built) and on every call.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace metrics::detail {

/// The shape Sentry's bad-tag rule refuses: keys ending in "_id", and "event", "project",
/// "group". Every such key ends in 'd', 't' or 'p', so most good keys cost one compare of
/// their last character.
[[gnu::always_inline]] inline bool has_bad_tag_shape(std::string_view key) noexcept {
  const size_t n = key.size();
  if (n < 3) return false;
  const char last = key[n - 1];
  if (last != 'd' && last != 't' && last != 'p') [[likely]]
    return false;
  return (last == 'd' && key[n - 2] == 'i' && key[n - 3] == '_') ||
         (n == 5 && (key == "event" || key == "group")) || (n == 7 && key == "project");
}

/// Sentry's rule: a key of the bad shape, unless allowed.
inline bool is_bad_tag_key(std::string_view key, const std::vector<std::string>& allowed) noexcept {
  if (!has_bad_tag_shape(key)) [[likely]]
    return false;
  for (const auto& a : allowed)
    if (a == key) return false;
  return true;
}

/// Why strict mode refuses config tag `key`: one text for the parser, which gives the
/// tag's position, and for a pipeline built from a Config made in code.
inline std::string strict_config_tag_refusal(std::string_view key) {
  return "tag key '" + std::string(key) +
         "' is not allowed (keys ending in _id, and event, project, group) while "
         "disallow_bad_tags = true; add it to allowed_bad_tags to keep it";
}

}  // namespace metrics::detail
