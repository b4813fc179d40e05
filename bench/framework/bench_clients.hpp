// The clients the framework benchmarks call: one per config, shared by every benchmark
// (and every file) that uses that config.
#pragma once

#include <metrics/client.hpp>

namespace metrics::bench {

/// The dummy backend and nothing else: no prefix, no config tags, no rate.
inline metrics::Client& dummy_client() {
  static metrics::Client client(metrics::Config::from_string(
      "[metrics]\nbackend = \"metrics.dummy.DummyMetricsBackend\"\n", "bench.toml"));
  return client;
}

/// The dummy backend under a typical production config: a prefix and two config tags.
inline metrics::Client& prefixed_client() {
  static metrics::Client client(metrics::Config::from_string(
      "[metrics]\nbackend = \"metrics.dummy.DummyMetricsBackend\"\nprefix = \"app.\"\n"
      "[metrics.tags]\nenv = \"prod\"\nregion = \"eu\"\n",
      "bench.toml"));
  return client;
}

}  // namespace metrics::bench
