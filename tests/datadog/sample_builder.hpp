// Building ABI samples in unit tests: owns the strings and tags the views point into.
#pragma once

#include <metrics/sdk/views.hpp>

#include <string>
#include <utility>
#include <vector>

namespace dd_test {

struct SampleBuilder {
  std::string name;
  metrics_kind_t kind = METRICS_KIND_COUNTER;
  double value = 1;
  double rate = 1;
  std::string unit, instance, member;
  std::vector<std::pair<std::string, std::string>> tags;

  std::vector<metrics_tag_t> raw_tags;
  metrics_sample_t raw{};

  const metrics_sample_t& build() {
    raw_tags.clear();
    for (const auto& [k, v] : tags)
      raw_tags.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
    raw = metrics_sample_t{};
    raw.struct_size = sizeof(raw);
    raw.kind = kind;
    raw.name = {name.data(), name.size()};
    raw.value = value;
    raw.sample_rate = rate;
    raw.unit = {unit.data(), unit.size()};
    raw.instance = {instance.data(), instance.size()};
    raw.tags = raw_tags.data();
    raw.tag_count = raw_tags.size();
    raw.set_member = {member.data(), member.size()};
    return raw;
  }
  metrics::sdk::Sample sample() { return metrics::sdk::Sample(build()); }
};

inline SampleBuilder counter(std::string name, double v,
                             std::vector<std::pair<std::string, std::string>> tags = {},
                             double rate = 1) {
  SampleBuilder b;
  b.name = std::move(name);
  b.value = v;
  b.tags = std::move(tags);
  b.rate = rate;
  return b;
}

inline SampleBuilder of_kind(metrics_kind_t kind, std::string name, double v) {
  SampleBuilder b;
  b.kind = kind;
  b.name = std::move(name);
  b.value = v;
  return b;
}

}  // namespace dd_test
