#include "text.hpp"

#include <algorithm>
#include <numeric>

namespace metrics::detail {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates,
                                 size_t limit) {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    // Close enough to be a slip: a third of the longer word, at least 2 edits.
    size_t allowed = std::max<size_t>(2, std::max(word.size(), c.size()) / 3);
    // A word that is most of the candidate's start ("Dummy" for "DummyMetricsBackend").
    bool prefix = word.size() >= 3 && c.size() > word.size() &&
                  edit_distance(word, std::string_view(c).substr(0, word.size())) <= 1;
    if (d <= allowed || prefix) scored.emplace_back(prefix ? std::min(d, allowed) : d, c);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (auto& [d, c] : scored) {
    if (out.size() == limit) break;
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(std::move(c));
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  auto near = nearest(word, candidates, 1);
  return near.empty() ? std::string() : " did you mean '" + near.front() + "'?";
}

}  // namespace metrics::detail
