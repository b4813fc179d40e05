// The [metrics] section of a TOML file, parsed and checked. Option values are checked
// against the backend's schema later, when the backend is loaded.
#pragma once

#include <metrics/errors.hpp>
#include <metrics/tags.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace metrics {

namespace detail {
struct OptionTable;  // a parsed [metrics.options] table with its source positions
}

/// One backend to load: its dotted name and its options.
struct BackendConfig {
  std::string name;  ///< e.g. "metrics.statsd.StatsdMetricsBackend"
  SourcePosition name_position;
  /// The key that gave the name, for messages: "metrics.backend" or
  /// "metrics.backends[<i>].backend".
  std::string name_key = "metrics.backend";
  /// [metrics.options] as parsed; null when the file has none. Checked against the
  /// backend's schema when it is loaded.
  std::shared_ptr<const detail::OptionTable> options;
  /// Fan-out only: keys starting with one of these go to this backend; empty means all.
  std::vector<std::string> prefixes;
};

/// Sentry's allow-list for tag keys that the bad-tag rule would otherwise strip.
inline const std::vector<std::string>& default_allowed_bad_tags() {
  static const std::vector<std::string> v{"use_case_id", "consumer_member_id", "broker_id",
                                          "kafka_slice_id", "group_id"};
  return v;
}

/// A parsed config. Keys mirror Sentry's settings:
///
///     [metrics]
///     backend = "metrics.statsd.StatsdMetricsBackend"   # SENTRY_METRICS_BACKEND
///     sample_rate = 1.0                                  # SENTRY_METRICS_SAMPLE_RATE
///     prefix = "app."                                    # SENTRY_METRICS_PREFIX
///     skip_internal_prefixes = []                        # SENTRY_METRICS_SKIP_INTERNAL_PREFIXES
///     disallow_bad_tags = false                          # SENTRY_METRICS_DISALLOW_BAD_TAGS
///     [metrics.options]                                  # SENTRY_METRICS_OPTIONS
///     [metrics.tags]                                     # global tags
struct Config {
  /// The file the config came from, or the name given to from_string.
  std::string source;
  /// What to load: one entry for `backend`, several for `[[metrics.backends]]`; empty
  /// means the dummy backend, as in Sentry when nothing is configured.
  std::vector<BackendConfig> backends;
  double sample_rate = 1.0;
  std::string prefix;
  std::vector<std::string> skip_internal_prefixes;
  bool disallow_bad_tags = false;
  std::vector<std::string> allowed_bad_tags = default_allowed_bad_tags();
  OwnedTags tags;
  /// Folders searched for modules before METRICS_PLUGIN_PATH and the built-in ones.
  /// Relative entries are taken from the config file's folder.
  std::vector<std::string> plugin_path;
  /// The TOML text it was parsed from; reload() compares it to tell "unchanged".
  std::string source_text;

  /// Reads and checks a TOML file. Throws ConfigError naming file, line, column and key.
  static Config from_file(const std::filesystem::path& path);
  /// The same for TOML text; `source_name` stands for the file name in errors.
  static Config from_string(std::string_view toml, std::string source_name = "<string>");
};

}  // namespace metrics
