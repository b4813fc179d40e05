// Driving metrics.datadog through its C ABI as the host would: the module loaded from the
// build tree's plugin folder with dlopen, option values built from the class's schema
// (defaults applied, overrides marked as coming from the config), and host services that
// record every log line and telemetry count.
#pragma once

#include <metrics/abi.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace dd_test {

using Tags = std::vector<std::pair<std::string, std::string>>;
using OptionInput = std::variant<std::string, int64_t, double, bool, Tags>;
using OptionMap = std::map<std::string, OptionInput>;

/// Option values for create, in schema order, owning their strings.
class OptionValues {
 public:
  OptionValues(const metrics_backend_class_t& klass, const OptionMap& overrides);
  const metrics_option_value_t* const* data() const { return pointers_.data(); }
  size_t size() const { return pointers_.size(); }

 private:
  std::vector<std::unique_ptr<metrics_option_value_t>> values_;
  std::vector<const metrics_option_value_t*> pointers_;
  std::vector<std::unique_ptr<std::string>> strings_;
  std::vector<std::unique_ptr<std::vector<metrics_str_t>>> lists_;
};

/// The host services: log lines and counters, recorded.
class RecordingHost {
 public:
  RecordingHost();
  const metrics_host_api_t* api() const { return &api_; }
  std::vector<std::pair<uint32_t, std::string>> lines() const;
  std::string all_lines() const;  // joined by '\n'
  /// Lines that contain `text`.
  size_t lines_containing(const std::string& text) const;
  int64_t counter(const std::string& name) const;
  std::map<std::string, int64_t> counters() const;

 private:
  static void log(void* ctx, uint32_t level, metrics_str_t message);
  static void count(void* ctx, metrics_str_t name, int64_t delta);
  metrics_host_api_t api_{};
  mutable std::mutex mutex_;
  std::vector<std::pair<uint32_t, std::string>> lines_;
  std::map<std::string, int64_t> counters_;
};

/// metrics.datadog.so, loaded once per process.
const metrics_module_descriptor_t& datadog_module();
const metrics_backend_class_t& datadog_class();

/// One backend instance made through the vtable.
class Backend {
 public:
  Backend(const OptionMap& options, RecordingHost& host);
  ~Backend();
  Backend(const Backend&) = delete;

  /// Creates and returns the error text instead of throwing.
  static std::string create_error(const OptionMap& options, RecordingHost& host);

  int32_t counter(const std::string& name, double value, const Tags& tags = {}, double rate = 1.0,
                  const std::string& instance = {});
  int32_t gauge(const std::string& name, double value, const Tags& tags = {});
  int32_t timing(const std::string& name, double ms, const Tags& tags = {});
  int32_t distribution(const std::string& name, double value, const Tags& tags = {},
                       const std::string& unit = {});
  int32_t set(const std::string& name, const std::string& member, const Tags& tags = {});
  int32_t event(const std::string& title, const std::string& text, const Tags& tags = {},
                uint32_t alert_type = METRICS_ALERT_INFO, int64_t timestamp_unix_s = 0);
  int32_t flush(std::chrono::milliseconds timeout);
  /// Destroys now (the destructor does nothing afterwards); returns how long it took.
  std::chrono::milliseconds destroy();

  int32_t emit(uint32_t kind, const std::string& name, double value, const Tags& tags, double rate,
               const std::string& unit, const std::string& instance, const std::string& member);

 private:
  const metrics_backend_class_t& klass_;
  void* instance_ = nullptr;
};

/// A distinctive key that every test checks never reaches a log line.
inline const std::string kApiKey = "dd-test-key-7f3a9c1e5b2d4e6f8a0b";

/// The options of a backend pointed at `url` and trusting the test CA, with fast timings.
OptionMap test_options(const std::string& url);

}  // namespace dd_test
