// Backend names ("metrics.statsd.StatsdMetricsBackend") and where their modules are found.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace metrics::detail {

struct BackendName {
  std::string module;      ///< everything before the last dot: "metrics.statsd"
  std::string class_name;  ///< after it: "StatsdMetricsBackend"
};

/// Splits a dotted name, or nullopt when it breaks the grammar: identifiers
/// [A-Za-z_][A-Za-z0-9_]* joined by dots, at least two parts. Checked before any file is
/// touched, so "../x", "a/b" and "a..b" never reach the file system.
std::optional<BackendName> parse_backend_name(std::string_view name);

/// True for a valid dotted module name (one part or more).
bool is_module_name(std::string_view name);

/// One folder searched for modules, and why it is searched.
struct SearchDir {
  std::filesystem::path path;
  std::string origin;  ///< "plugin_path", "METRICS_PLUGIN_PATH", "build tree", "installed"
};

/// In order: the config's plugin_path (relative to `config_dir`), METRICS_PLUGIN_PATH,
/// the build tree's plugin folder, the installed plugin folder.
std::vector<SearchDir> module_search_path(const std::vector<std::string>& plugin_path,
                                          const std::filesystem::path& config_dir);

/// The file "<module>.so" in the first folder that has it.
std::optional<std::filesystem::path> find_module_file(std::string_view module,
                                                      const std::vector<SearchDir>& dirs);

/// Every module file in the search path (first one wins per module name), sorted.
std::vector<std::pair<std::string, std::filesystem::path>> list_module_files(
    const std::vector<SearchDir>& dirs);

/// The backends we ship, for "did you mean" before any module is loaded.
const std::vector<std::string>& shipped_backend_names();

}  // namespace metrics::detail
