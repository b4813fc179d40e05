// Test module "test.versioned", built twice (TEST_PLUGIN_VERSION 1 and 2) into two
// folders, so that a test can replace the file on disk with a new build and check that a
// reload runs the new code. Each build names itself in what it records.
#include <metrics/sdk.hpp>

#include <dlfcn.h>

#include <stdexcept>
#include <string>

#define METRICS_STR2(x) #x
#define METRICS_STR(x) METRICS_STR2(x)

namespace {

using RecordFn = void (*)(const char* backend, const metrics_sample_t* sample);

class VersionedBackend {
 public:
  static constexpr const char* name = "VersionedBackend";
  static constexpr const char* summary = "Records samples under its build's version";
  explicit VersionedBackend(const metrics::sdk::CreateContext&)
      : record_(reinterpret_cast<RecordFn>(dlsym(RTLD_DEFAULT, "metrics_test_record"))) {
    if (record_ == nullptr) throw std::runtime_error("metrics_test_record not exported");
  }
  void emit(const metrics::sdk::Sample& s) {
    record_("v" METRICS_STR(TEST_PLUGIN_VERSION), &s.raw());
  }

 private:
  RecordFn record_;
};

}  // namespace

METRICS_MODULE("test.versioned", "0." METRICS_STR(TEST_PLUGIN_VERSION), VersionedBackend)
