// Everything a C++ plugin author includes: views, options, host services, JSON escaping,
// METRICS_MODULE.
#pragma once

#include <metrics/abi.h>
#include <metrics/sdk/host.hpp>
#include <metrics/sdk/json.hpp>
#include <metrics/sdk/module.hpp>
#include <metrics/sdk/options.hpp>
#include <metrics/sdk/views.hpp>
