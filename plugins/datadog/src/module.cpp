// The module metrics.datadog and the backend classes it exports. To offer another class
// from this module, include its header and add it to the list.
#include <metrics/sdk.hpp>

#include "backend.hpp"

METRICS_MODULE("metrics.datadog", "1.0.0", metrics::datadog::DatadogMetricsBackend)
