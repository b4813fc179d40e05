// What a metric call reads: an immutable snapshot of the config's rules (prefix, rate,
// tags, bad-tag rule) and the backends to send to. Replaced whole on reload or when
// global tags change; see read_section.hpp for how the old one is retired.
#pragma once

#include <metrics/abi.h>
#include <metrics/client.hpp>
#include <metrics/config.hpp>

#include "backend.hpp"
#include "bad_tags.hpp"
#include "names.hpp"

#include <memory>
#include <string>
#include <vector>

namespace metrics::detail {

struct Route {
  std::shared_ptr<Backend> backend;
  std::vector<std::string> prefixes;  ///< empty: every key

  bool accepts(std::string_view key) const noexcept {
    if (prefixes.empty()) return true;
    for (const auto& p : prefixes)
      if (key.starts_with(p)) return true;
    return false;
  }
};

struct Pipeline {
  Pipeline() = default;
  /// A copy views its own base tags: base_views point into base_tags' strings, which
  /// may hold their characters inline, so copied views would dangle with the original.
  Pipeline(const Pipeline& other);
  Pipeline& operator=(const Pipeline&) = delete;

  Config config;
  std::vector<Route> routes;
  /// Config tags, then global tags (later wins), bad ones already stripped.
  OwnedTags base_tags;
  std::vector<metrics_tag_t> base_views;
  InternalHook internal_hook;
  /// Set when a call may go straight to the one backend's emit with the base tags and its
  /// own (see direct_tags.hpp): one route taking every key, at most
  /// DirectTags::kMaxBaseTags base tags, no internal hook, a backend that may be called
  /// from any thread. See plan_direct_path.
  DirectEmit direct;

  /// Whether set_base_tags logs the config tags it drops: once when a config is applied,
  /// not again each time global tags change.
  enum class ConfigTagWarnings { log, quiet };
  /// Fills base_tags/base_views from the config's tags and `global`, applying the
  /// bad-tag rule. Throws ConfigError when a config tag is bad in strict mode (a parsed
  /// config has refused it already, with its position).
  void set_base_tags(const OwnedTags& global, ConfigTagWarnings warnings);
  /// Fills base_views with views of base_tags.
  void view_base_tags();
  /// Sets `direct` from the rest; called on every pipeline before it is published.
  void plan_direct_path() noexcept;
};

/// The folders searched for `config`'s modules; relative plugin_path entries are taken
/// from the config file's folder.
std::vector<SearchDir> search_path_for(const Config& config);

/// What `config` loads: its backends, or the dummy backend when it names none (as Sentry).
std::vector<BackendConfig> backends_to_load(const Config& config);

/// Resolves, loads and creates every backend of `config` (the dummy one when it names
/// none). Throws ConfigError or LoadError with the full story of what was searched.
std::vector<Route> create_routes(const Config& config, std::shared_ptr<TelemetryStore> telemetry);

/// Resolves a dotted name to a loaded module and class, or throws ConfigError listing the
/// places searched, the classes the module exports and the nearest known names.
std::pair<std::shared_ptr<Module>, const ClassInfo*> resolve_backend(
    const std::string& name, const SourcePosition& where, const std::string& key,
    const std::vector<SearchDir>& dirs);

}  // namespace metrics::detail
