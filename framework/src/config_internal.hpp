// The parts of a parsed config that keep toml++ types, private to the framework.
#pragma once

#include <metrics/config.hpp>
#include <metrics/errors.hpp>

#include <toml++/toml.h>

#include <memory>
#include <string>

namespace metrics::detail {

/// A [metrics.options] table (or a [[metrics.backends]] entry's options) as parsed.
struct OptionTable {
  /// The whole parsed document, kept so that source positions stay valid (a copied
  /// toml::table loses them).
  std::shared_ptr<const toml::table> document;
  /// The options table inside `document`; an empty table when the file has none.
  const toml::table* table = nullptr;
  /// The dotted key path of the table, e.g. "metrics.options" or "metrics.backends[1].options".
  std::string key_path;
  /// Where the table is, or where it would be (its parent) when absent.
  SourcePosition position;
};

/// Position of a toml++ node (or key) in `file`.
SourcePosition position_of(const toml::node& node, const std::string& file);
SourcePosition position_of(const toml::key& key, const std::string& file);

/// "an integer", "a string", ...
std::string describe_type(const toml::node& node);

}  // namespace metrics::detail
