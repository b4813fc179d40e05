#include "pipeline.hpp"

#include "direct_tags.hpp"

#include "log.hpp"
#include "text.hpp"

#include <metrics/errors.hpp>

namespace metrics::detail {

void Pipeline::set_base_tags(const OwnedTags& global, ConfigTagWarnings warnings) {
  base_tags.clear();
  for (const auto& [k, v] : config.tags) {
    if (is_bad_tag_key(k, config.allowed_bad_tags)) {
      if (config.disallow_bad_tags)
        throw ConfigError(SourcePosition{config.source, 0, 0}, "metrics.tags." + k,
                          strict_config_tag_refusal(k));
      if (warnings == ConfigTagWarnings::log)
        logger()->warn(
            "metrics: config tag '{}' dropped: keys ending in _id, and event, project, "
            "group are not allowed as tags (see allowed_bad_tags)",
            k);
      continue;
    }
    set_tag(base_tags, k, v);
  }
  for (const auto& [k, v] : global) {
    if (is_bad_tag_key(k, config.allowed_bad_tags)) {
      log_limited(spdlog::level::warn, "global-bad-tag",
                  "metrics: global tag '" + k + "' dropped: not an allowed tag key");
      continue;
    }
    set_tag(base_tags, k, v);
  }
  view_base_tags();
}

Pipeline::Pipeline(const Pipeline& other)
    : config(other.config),
      routes(other.routes),
      base_tags(other.base_tags),
      internal_hook(other.internal_hook),
      direct(other.direct) {
  view_base_tags();
}

void Pipeline::view_base_tags() {
  base_views.clear();
  for (const auto& [k, v] : base_tags)
    base_views.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
}

void Pipeline::plan_direct_path() noexcept {
  direct = {};
  const bool one_backend_for_every_key = routes.size() == 1 && routes.front().prefixes.empty();
  if (one_backend_for_every_key && base_views.size() <= DirectTags::kMaxBaseTags &&
      internal_hook.fn == nullptr)
    direct = routes.front().backend->direct_emit();
}

std::pair<std::shared_ptr<Module>, const ClassInfo*> resolve_backend(
    const std::string& name, const SourcePosition& where, const std::string& key,
    const std::vector<SearchDir>& dirs) {
  auto parsed = parse_backend_name(name);
  if (!parsed)
    throw ConfigError(where, key,
                      "'" + name +
                          "' is not a backend name: expected identifiers "
                          "joined by dots, such as 'metrics.statsd.StatsdMetricsBackend'");
  auto file = find_module_file(parsed->module, dirs);
  if (!file) {
    std::string searched;
    for (const auto& d : dirs) searched += "\n  " + d.path.string() + " (" + d.origin + ")";
    if (dirs.empty()) searched = "\n  (no folder: set plugin_path or METRICS_PLUGIN_PATH)";
    // Modules found are listed by file name only: loading each to list its classes would
    // run code the config did not ask for.
    std::vector<std::string> modules;
    for (const auto& [module, path] : list_module_files(dirs)) modules.push_back(module);
    std::string hint = modules.empty() ? "" : "\nmodules found: " + join(modules);
    auto near = nearest(name, shipped_backend_names(), 3);
    if (!near.empty()) hint += "\nnearest known names: " + join(near);
    throw ConfigError(where, key,
                      "no module '" + parsed->module + "' (file '" + parsed->module +
                          ".so') in any folder searched:" + searched + hint);
  }
  std::shared_ptr<Module> module;
  try {
    module = Module::load(*file);
  } catch (const LoadError& e) {
    throw ConfigError(where, key, std::string("cannot load backend '") + name + "': " + e.what());
  }
  const ClassInfo* cls = module->find_class(parsed->class_name);
  if (cls == nullptr) {
    auto names = module->class_names();
    std::vector<std::string> dotted;
    for (const auto& n : names) dotted.push_back(parsed->module + "." + n);
    throw ConfigError(where, key,
                      "module '" + parsed->module + "' (" + file->string() + ") has no class '" +
                          parsed->class_name + "'; it exports: " + join(dotted) + "." +
                          did_you_mean(parsed->class_name, names));
  }
  return {std::move(module), cls};
}

std::vector<SearchDir> search_path_for(const Config& config) {
  std::filesystem::path config_dir;
  if (!config.source.empty() && config.source.front() != '<')
    config_dir = std::filesystem::path(config.source).parent_path();
  return module_search_path(config.plugin_path, config_dir);
}

std::vector<BackendConfig> backends_to_load(const Config& config) {
  if (!config.backends.empty()) return config.backends;
  BackendConfig dummy;
  dummy.name = "metrics.dummy.DummyMetricsBackend";
  dummy.name_position = SourcePosition{config.source, 0, 0};
  return {std::move(dummy)};
}

std::vector<Route> create_routes(const Config& config, std::shared_ptr<TelemetryStore> telemetry) {
  const auto dirs = search_path_for(config);
  const auto wanted = backends_to_load(config);
  std::vector<Route> routes;
  for (const auto& b : wanted) {
    auto [module, cls] = resolve_backend(b.name, b.name_position, b.name_key, dirs);
    auto backend = Backend::create(b.name, module, *cls, b.options.get(), config.source, telemetry);
    routes.push_back(Route{std::move(backend), b.prefixes});
  }
  return routes;
}

}  // namespace metrics::detail
