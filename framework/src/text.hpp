// Small text helpers for error messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace metrics::detail {

/// Levenshtein distance, for "did you mean".
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidates closest to `word` (at most `limit`, only reasonably close ones),
/// nearest first.
std::vector<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates,
                                 size_t limit = 3);

/// "a, b, c"
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

/// " did you mean 'x'?" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace metrics::detail
