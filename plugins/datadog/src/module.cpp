// The module metrics.datadog and the backend classes it exports. To offer another class
// from this module, include its header and add it to the list.
//
// DogStatsdMetricsBackend is here too, because Sentry's documentation spells it both
// metrics.dogstatsd.DogStatsdMetricsBackend and metrics.datadog.DogStatsdMetricsBackend;
// it is the same class as in metrics.dogstatsd, linked from metrics_dogstatsd_backend.
#include <metrics/dogstatsd/backend.hpp>
#include <metrics/sdk.hpp>

#include "backend.hpp"

METRICS_MODULE("metrics.datadog", "1.0.0", metrics::datadog::DatadogMetricsBackend,
               metrics::dogstatsd::DogStatsdMetricsBackend)
