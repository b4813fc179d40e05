#include <metrics/inspect.hpp>

#include "module.hpp"
#include "names.hpp"
#include "option_values.hpp"
#include "pipeline.hpp"

#include <metrics/tags.hpp>

namespace metrics::inspect {

namespace {

std::string type_text(uint32_t type) {
  switch (type) {
    case METRICS_OPTION_STRING:
      return "string";
    case METRICS_OPTION_INT:
      return "int";
    case METRICS_OPTION_FLOAT:
      return "float";
    case METRICS_OPTION_BOOL:
      return "bool";
    case METRICS_OPTION_STRING_LIST:
      return "string list";
    case METRICS_OPTION_TAGS:
      return "tags";
  }
  return "unknown";
}

ClassInfo to_info(const std::string& module, const detail::ClassInfo& c) {
  ClassInfo out;
  out.name = module + "." + c.name;
  out.summary = c.summary;
  out.capabilities = c.capabilities;
  for (const auto& o : c.options) {
    OptionInfo oi;
    oi.name = o.name;
    oi.type = type_text(o.type);
    oi.default_value = o.default_value != nullptr ? o.default_value : "";
    oi.description = o.description != nullptr ? o.description : "";
    oi.required = (o.flags & METRICS_OPTION_REQUIRED) != 0;
    oi.secret = (o.flags & METRICS_OPTION_SECRET) != 0;
    if (o.flags & METRICS_OPTION_HAS_RANGE) oi.range = std::make_pair(o.min_value, o.max_value);
    if (o.choices != nullptr)
      for (const char* const* ch = o.choices; *ch != nullptr; ++ch) oi.choices.emplace_back(*ch);
    out.options.push_back(std::move(oi));
  }
  return out;
}

}  // namespace

std::vector<ModuleInfo> list_modules(const Config& config) {
  auto dirs = detail::search_path_for(config);
  std::vector<ModuleInfo> out;
  for (const auto& [name, file] : detail::list_module_files(dirs)) {
    ModuleInfo m;
    m.name = name;
    m.file = file.string();
    for (const auto& d : dirs)
      if (file.parent_path() == d.path) {
        m.found_in = d.origin;
        break;
      }
    try {
      auto loaded = detail::Module::load(file);
      m.version = loaded->version();
      m.abi_major = loaded->abi_major();
      m.abi_minor = loaded->abi_minor();
      for (const auto& c : loaded->classes()) m.classes.push_back(to_info(name, c));
    } catch (const std::exception& e) {
      m.error = e.what();
    }
    out.push_back(std::move(m));
  }
  return out;
}

ClassInfo describe(const std::string& dotted_name, const Config& config) {
  auto dirs = detail::search_path_for(config);
  auto [module, cls] =
      detail::resolve_backend(dotted_name, SourcePosition{"<command line>", 0, 0}, "", dirs);
  return to_info(module->name(), *cls);
}

std::vector<std::string> check(const Config& config) {
  auto dirs = detail::search_path_for(config);
  std::vector<std::string> lines;
  lines.push_back("config: " + config.source);
  if (config.backends.empty())
    lines.push_back("no backend configured: the dummy backend discards every metric");
  const auto backends = detail::backends_to_load(config);
  for (const auto& b : backends) {
    auto [module, cls] = detail::resolve_backend(b.name, b.name_position, b.name_key, dirs);
    auto values = detail::OptionValues::build(*cls, b.name, b.options.get(), config.source);
    lines.push_back("backend: " + b.name + " (module " + module->name() + " " + module->version() +
                    ", ABI " + std::to_string(module->abi_major()) + "." +
                    std::to_string(module->abi_minor()) + ", " + module->file().string() + ")");
    if (!b.prefixes.empty()) {
      std::string p;
      for (const auto& x : b.prefixes) p += (p.empty() ? "" : ", ") + x;
      lines.push_back("  only keys starting with: " + p);
    }
    for (const auto& line : values->describe()) lines.push_back("  option " + line);
  }
  lines.push_back("sample_rate = " + TagValue(config.sample_rate).to_string());
  lines.push_back("prefix = \"" + config.prefix + "\"");
  lines.push_back(std::string("disallow_bad_tags = ") +
                  (config.disallow_bad_tags ? "true" : "false"));
  for (const auto& [k, v] : config.tags) lines.push_back("tag " + k + ":" + v);
  return lines;
}

}  // namespace metrics::inspect
