// The metrics.dogstatsd module: one class, DogStatsdMetricsBackend.
#include <metrics/dogstatsd/backend.hpp>

METRICS_MODULE("metrics.dogstatsd", "1.0.0", metrics::dogstatsd::DogStatsdMetricsBackend)
