// Looking at modules and configs without running them: what metricsctl is built on.
#pragma once

#include <metrics/config.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace metrics::inspect {

struct OptionInfo {
  std::string name;
  std::string type;           ///< "string", "int", "float", "bool", "string list", "tags"
  std::string default_value;  ///< text form; empty when none
  std::string description;
  bool required = false;
  bool secret = false;
  std::optional<std::pair<double, double>> range;
  std::vector<std::string> choices;
};

struct ClassInfo {
  std::string name;  ///< dotted: "metrics.statsd.StatsdMetricsBackend"
  std::string summary;
  uint32_t capabilities = 0;
  std::vector<OptionInfo> options;
};

struct ModuleInfo {
  std::string name;
  std::string version;
  std::string file;
  std::string found_in;  ///< why the folder is searched: "plugin_path", "build tree", ...
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  std::vector<ClassInfo> classes;
  std::string error;  ///< set when the file could not be loaded; classes are then empty
};

/// Every module on the search path (the config's plugin_path first, when given).
std::vector<ModuleInfo> list_modules(const Config& config = {});

/// One class by dotted name. Throws ConfigError when it cannot be resolved.
ClassInfo describe(const std::string& dotted_name, const Config& config = {});

/// What `config` would run: each backend resolved and loaded, its options checked
/// against its schema, one line per option with secrets shown as <secret>. Nothing is
/// created, so nothing connects anywhere. Throws ConfigError or LoadError.
std::vector<std::string> check(const Config& config);

}  // namespace metrics::inspect
