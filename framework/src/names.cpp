#include "names.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <system_error>

#ifndef METRICS_BUILD_PLUGIN_DIR
#define METRICS_BUILD_PLUGIN_DIR ""
#endif
#ifndef METRICS_BUILD_LIBRARY_DIR
#define METRICS_BUILD_LIBRARY_DIR ""
#endif
#ifndef METRICS_INSTALL_PLUGIN_DIR
#define METRICS_INSTALL_PLUGIN_DIR ""
#endif

namespace metrics::detail {

namespace {

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(),
                     [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

constexpr std::string_view kModuleSuffix = ".so";

}  // namespace

bool is_module_name(std::string_view name) {
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    if (!is_identifier(name.substr(start, dot == std::string_view::npos ? name.npos : dot - start)))
      return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::optional<BackendName> parse_backend_name(std::string_view name) {
  size_t last = name.rfind('.');
  if (last == std::string_view::npos) return std::nullopt;
  std::string_view module = name.substr(0, last);
  std::string_view cls = name.substr(last + 1);
  if (!is_module_name(module) || !is_identifier(cls)) return std::nullopt;
  return BackendName{std::string(module), std::string(cls)};
}

std::vector<SearchDir> module_search_path(const std::vector<std::string>& plugin_path,
                                          const std::filesystem::path& config_dir) {
  std::vector<SearchDir> dirs;
  for (const auto& p : plugin_path) {
    std::filesystem::path path(p);
    if (path.is_relative() && !config_dir.empty()) path = config_dir / path;
    dirs.push_back({path, "plugin_path"});
  }
  if (const char* env = std::getenv("METRICS_PLUGIN_PATH")) {
    std::string_view rest(env);
    while (!rest.empty()) {
      size_t colon = rest.find(':');
      std::string_view part = rest.substr(0, colon);
      if (!part.empty()) dirs.push_back({std::filesystem::path(part), "METRICS_PLUGIN_PATH"});
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  std::error_code ec;
  // Where this library itself lives: the build tree's plugin folder is searched only by
  // the uninstalled library, the installed folder beside it only by an installed one.
  boost::dll::fs::error_code bec;
  auto self = boost::dll::this_line_location(bec);
  std::filesystem::path self_dir =
      bec ? std::filesystem::path() : std::filesystem::path(self.parent_path().string());
  if (!self_dir.empty()) self_dir = std::filesystem::weakly_canonical(self_dir, ec);
  const bool in_build_tree = !self_dir.empty() &&
                             std::string_view(METRICS_BUILD_LIBRARY_DIR).size() != 0 &&
                             std::filesystem::equivalent(self_dir, METRICS_BUILD_LIBRARY_DIR, ec);
  if (in_build_tree && std::filesystem::is_directory(METRICS_BUILD_PLUGIN_DIR, ec))
    dirs.push_back({METRICS_BUILD_PLUGIN_DIR, "build tree"});
  if (!in_build_tree && !self_dir.empty()) {
    std::filesystem::path beside = self_dir / "metrics" / "plugins";
    if (std::filesystem::is_directory(beside, ec)) dirs.push_back({beside, "installed"});
  }
  if (!in_build_tree && std::string_view(METRICS_INSTALL_PLUGIN_DIR).size() != 0) {
    std::filesystem::path installed(METRICS_INSTALL_PLUGIN_DIR);
    bool seen = std::any_of(dirs.begin(), dirs.end(), [&](const SearchDir& d) {
      return std::filesystem::equivalent(d.path, installed, ec);
    });
    if (!seen) dirs.push_back({installed, "installed"});
  }
  return dirs;
}

std::optional<std::filesystem::path> find_module_file(std::string_view module,
                                                      const std::vector<SearchDir>& dirs) {
  std::string file = std::string(module) + std::string(kModuleSuffix);
  for (const auto& d : dirs) {
    std::error_code ec;
    auto candidate = d.path / file;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::filesystem::path>> list_module_files(
    const std::vector<SearchDir>& dirs) {
  std::map<std::string, std::filesystem::path> found;
  for (const auto& d : dirs) {
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(d.path, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (name.size() <= kModuleSuffix.size() || !name.ends_with(kModuleSuffix)) continue;
      std::string module = name.substr(0, name.size() - kModuleSuffix.size());
      if (is_module_name(module)) found.emplace(module, it->path());
    }
  }
  return {found.begin(), found.end()};
}

const std::vector<std::string>& shipped_backend_names() {
  static const std::vector<std::string> names{
      "metrics.dummy.DummyMetricsBackend",         "metrics.statsd.StatsdMetricsBackend",
      "metrics.dogstatsd.DogStatsdMetricsBackend", "metrics.datadog.DogStatsdMetricsBackend",
      "metrics.datadog.DatadogMetricsBackend",     "metrics.logging.LoggingBackend"};
  return names;
}

}  // namespace metrics::detail
