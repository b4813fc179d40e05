// Parsing the [metrics] section: keys, types and ranges, each error with its position.
#include <metrics/config.hpp>

#include "bad_tags.hpp"
#include "config_internal.hpp"
#include "names.hpp"
#include "text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace metrics {

ConfigError::ConfigError(SourcePosition where, std::string key, std::string reason)
    : Error([&] {
        std::string m = where.file.empty() ? std::string("<config>") : where.file;
        if (where.line != 0)
          m += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
        m += ": ";
        if (!key.empty()) m += key + ": ";
        return m + reason;
      }()),
      where_(std::move(where)),
      key_(std::move(key)),
      reason_(std::move(reason)) {}

namespace detail {

SourcePosition position_of(const toml::node& node, const std::string& file) {
  const auto& src = node.source();
  return SourcePosition{file, static_cast<uint32_t>(src.begin.line),
                        static_cast<uint32_t>(src.begin.column)};
}

SourcePosition position_of(const toml::key& key, const std::string& file) {
  const auto& src = key.source();
  return SourcePosition{file, static_cast<uint32_t>(src.begin.line),
                        static_cast<uint32_t>(src.begin.column)};
}

std::string describe_type(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

}  // namespace detail

namespace {

using detail::describe_type;
using detail::position_of;

const std::vector<std::string> kMetricsKeys{
    "backend",           "backends",         "options",
    "sample_rate",       "prefix",           "skip_internal_prefixes",
    "disallow_bad_tags", "allowed_bad_tags", "tags",
    "plugin_path"};
const std::vector<std::string> kBackendEntryKeys{"backend", "options", "prefixes"};

class Parser {
 public:
  Parser(std::string file, std::shared_ptr<const toml::table> document)
      : file_(std::move(file)), document_(std::move(document)) {}

  [[noreturn]] void fail(const toml::node& at, const std::string& key,
                         const std::string& why) const {
    throw ConfigError(position_of(at, file_), key, why);
  }

  const toml::table& expect_table(const toml::node& n, const std::string& key) const {
    if (!n.is_table()) fail(n, key, "expected a table, saw " + describe_type(n));
    return *n.as_table();
  }
  std::string expect_string(const toml::node& n, const std::string& key) const {
    if (!n.is_string()) fail(n, key, "expected a string, saw " + describe_type(n));
    return n.as_string()->get();
  }
  bool expect_bool(const toml::node& n, const std::string& key) const {
    if (!n.is_boolean()) fail(n, key, "expected true or false, saw " + describe_type(n));
    return n.as_boolean()->get();
  }
  double expect_number(const toml::node& n, const std::string& key) const {
    if (n.is_integer()) return static_cast<double>(n.as_integer()->get());
    if (n.is_floating_point()) return n.as_floating_point()->get();
    fail(n, key, "expected a number, saw " + describe_type(n));
  }
  std::vector<std::string> expect_strings(const toml::node& n, const std::string& key) const {
    if (!n.is_array()) fail(n, key, "expected an array of strings, saw " + describe_type(n));
    std::vector<std::string> out;
    size_t i = 0;
    for (const auto& item : *n.as_array()) {
      out.push_back(expect_string(item, key + "[" + std::to_string(i++) + "]"));
    }
    return out;
  }
  /// A tag value as TOML writes it: strings as they are, numbers and booleans as text.
  std::string scalar_text(const toml::node& n, const std::string& key) const {
    if (n.is_string()) return n.as_string()->get();
    if (n.is_integer()) return std::to_string(n.as_integer()->get());
    if (n.is_boolean()) return n.as_boolean()->get() ? "true" : "false";
    if (n.is_floating_point()) return TagValue(n.as_floating_point()->get()).to_string();
    fail(n, key, "expected a string, number or boolean tag value, saw " + describe_type(n));
  }

  void check_keys(const toml::table& t, const std::string& path,
                  const std::vector<std::string>& known) const {
    for (const auto& [k, v] : t) {
      std::string key(k.str());
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      (void)v;
      throw ConfigError(position_of(k, file_), path + "." + key,
                        "unknown key;" + detail::did_you_mean(key, known) +
                            " (known keys: " + detail::join(known) + ")");
    }
  }

  std::shared_ptr<const detail::OptionTable> options(const toml::table& parent,
                                                     const std::string& parent_path) const {
    static const toml::table kEmpty;
    auto table = std::make_shared<detail::OptionTable>();
    table->document = document_;
    table->key_path = parent_path + ".options";
    if (const toml::node* n = parent.get("options")) {
      table->table = &expect_table(*n, table->key_path);
      table->position = position_of(*n, file_);
    } else {
      table->table = &kEmpty;
      table->position = position_of(parent, file_);
    }
    return table;
  }

  BackendConfig backend_name(const toml::node& n, const std::string& key) const {
    BackendConfig b;
    b.name = expect_string(n, key);
    b.name_position = position_of(n, file_);
    b.name_key = key;
    if (!detail::parse_backend_name(b.name)) {
      fail(n, key,
           "'" + b.name +
               "' is not a backend name: expected identifiers joined by dots, "
               "at least two parts, such as 'metrics.statsd.StatsdMetricsBackend'");
    }
    return b;
  }

  Config parse() const {
    const toml::table& root = *document_;
    Config c;
    c.source = file_;
    const toml::node* section = root.get("metrics");
    if (section == nullptr) return c;  // nothing configured: the dummy backend
    const toml::table& m = expect_table(*section, "metrics");
    check_keys(m, "metrics", kMetricsKeys);

    if (m.contains("backend") && m.contains("backends")) {
      fail(*m.get("backends"), "metrics.backends",
           "give either 'backend' (one backend) or '[[metrics.backends]]' (several), not both");
    }
    if (const toml::node* n = m.get("backend")) {
      BackendConfig b = backend_name(*n, "metrics.backend");
      b.options = options(m, "metrics");
      c.backends.push_back(std::move(b));
    } else if (m.contains("options")) {
      fail(*m.get("options"), "metrics.options",
           "options are given but no backend is named; add backend = \"...\" to [metrics]");
    }
    if (const toml::node* n = m.get("backends")) {
      if (!n->is_array_of_tables())
        fail(*n, "metrics.backends",
             "expected [[metrics.backends]] tables, saw " + describe_type(*n));
      size_t i = 0;
      for (const auto& entry : *n->as_array()) {
        std::string path = "metrics.backends[" + std::to_string(i++) + "]";
        const toml::table& t = *entry.as_table();
        check_keys(t, path, kBackendEntryKeys);
        const toml::node* name = t.get("backend");
        if (name == nullptr) fail(entry, path, "missing key 'backend' (the dotted backend name)");
        BackendConfig b = backend_name(*name, path + ".backend");
        b.options = options(t, path);
        if (const toml::node* p = t.get("prefixes"))
          b.prefixes = expect_strings(*p, path + ".prefixes");
        c.backends.push_back(std::move(b));
      }
    }
    if (const toml::node* n = m.get("sample_rate")) {
      c.sample_rate = expect_number(*n, "metrics.sample_rate");
      if (!(c.sample_rate >= 0.0 && c.sample_rate <= 1.0))
        fail(*n, "metrics.sample_rate",
             "expected a number from 0 to 1, saw " + TagValue(c.sample_rate).to_string());
    }
    if (const toml::node* n = m.get("prefix")) c.prefix = expect_string(*n, "metrics.prefix");
    if (const toml::node* n = m.get("skip_internal_prefixes"))
      c.skip_internal_prefixes = expect_strings(*n, "metrics.skip_internal_prefixes");
    if (const toml::node* n = m.get("disallow_bad_tags"))
      c.disallow_bad_tags = expect_bool(*n, "metrics.disallow_bad_tags");
    if (const toml::node* n = m.get("allowed_bad_tags"))
      c.allowed_bad_tags = expect_strings(*n, "metrics.allowed_bad_tags");
    if (const toml::node* n = m.get("plugin_path")) {
      if (n->is_string())
        c.plugin_path.push_back(n->as_string()->get());
      else
        c.plugin_path = expect_strings(*n, "metrics.plugin_path");
    }
    if (const toml::node* n = m.get("tags")) {
      for (const auto& [k, v] : expect_table(*n, "metrics.tags")) {
        std::string key(k.str());
        if (c.disallow_bad_tags && detail::is_bad_tag_key(key, c.allowed_bad_tags))
          fail(v, "metrics.tags." + key, detail::strict_config_tag_refusal(key));
        c.tags.emplace_back(key, scalar_text(v, "metrics.tags." + key));
      }
    }
    return c;
  }

 private:
  std::string file_;
  std::shared_ptr<const toml::table> document_;
};

Config parse_text(std::string_view text, const std::string& source) {
  auto root = std::make_shared<toml::table>();
  try {
    *root = toml::parse(text, std::string_view(source));
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw ConfigError(
        SourcePosition{source, static_cast<uint32_t>(b.line), static_cast<uint32_t>(b.column)}, "",
        "invalid TOML: " + std::string(e.description()));
  }
  Config c = Parser(source, std::move(root)).parse();
  c.source_text = std::string(text);
  return c;
}

}  // namespace

Config Config::from_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(SourcePosition{path.string(), 0, 0}, "",
                      "cannot read the config file: " + std::string(std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_text(buffer.str(), path.string());
}

Config Config::from_string(std::string_view toml, std::string source_name) {
  return parse_text(toml, source_name);
}

}  // namespace metrics
