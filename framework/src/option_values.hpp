// Option values for create: the config's table checked against a class's schema, defaults
// applied, secrets resolved, everything owned here and viewed by the ABI structs.
#pragma once

#include <metrics/abi.h>
#include <metrics/errors.hpp>

#include "config_internal.hpp"
#include "module.hpp"

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace metrics::detail {

class OptionValues {
 public:
  /// Checks `table` (may be null: no options given) against `cls`'s schema. Throws
  /// ConfigError naming the file, line, column and key: unknown option (with the nearest
  /// valid ones), wrong type, out of range, not one of the choices, missing required,
  /// secret's environment variable unset. Secret values never appear in a message.
  static std::unique_ptr<OptionValues> build(const ClassInfo& cls, const std::string& backend_name,
                                             const OptionTable* table, const std::string& file);

  // The ABI structs view strings_ and lists_: a copy would view the original's.
  OptionValues(const OptionValues&) = delete;
  OptionValues& operator=(const OptionValues&) = delete;

  const metrics_option_value_t* const* data() const noexcept { return pointers_.data(); }
  size_t size() const noexcept { return pointers_.size(); }

  /// "name = value" per option, secrets shown as "<secret>", for `metricsctl check`.
  std::vector<std::string> describe() const;

 private:
  OptionValues() = default;
  metrics_str_t keep(std::string s);

  std::deque<std::string> strings_;  // stable addresses for the views below
  std::deque<std::vector<metrics_str_t>> lists_;
  std::vector<metrics_option_value_t> values_;
  std::vector<const metrics_option_value_t*> pointers_;
  std::vector<bool> secret_;
};

}  // namespace metrics::detail
