// An empty function in a shared library with the shape of Client::incr: what a caller pays
// to build a call's arguments and cross into a library, before the framework does anything.
#include <metrics/call_options.hpp>

#include <string_view>

void metrics_bench_call_sink(std::string_view, double, const metrics::CallOptions&) noexcept {}
