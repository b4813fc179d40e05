// A module other than metrics.dogstatsd offering DogStatsdMetricsBackend, the way
// metrics.datadog does: link metrics_dogstatsd_backend and list the class.
#include <metrics/dogstatsd/backend.hpp>

METRICS_MODULE("statsdtest.reexport", "1.0.0", metrics::dogstatsd::DogStatsdMetricsBackend)
