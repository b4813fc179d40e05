// What the direct path (call_path.cpp) and the general path (general_path.cpp) share.
#pragma once

#include "pipeline.hpp"

#include <cstring>

namespace metrics::detail {

// Puts the prefix before `name` (the key), in `buffer`; false, leaving `name` alone, when
// the full name does not fit.
[[gnu::always_inline]] inline bool join_name(const Pipeline& p, metrics_str_t& name,
                                             char (&buffer)[256]) noexcept {
  const std::string& prefix = p.config.prefix;
  if (prefix.empty()) [[likely]]
    return true;
  if (prefix.size() + name.size > sizeof(buffer)) return false;
  std::memcpy(buffer, prefix.data(), prefix.size());
  std::memcpy(buffer + prefix.size(), name.data, name.size);
  name = {buffer, prefix.size() + name.size};
  return true;
}

}  // namespace metrics::detail
