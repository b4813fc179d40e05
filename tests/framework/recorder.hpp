// Keeps copies of what test backends received, for assertions. The test executable
// exports metrics_test_record(), which the test plugins find with dlsym.
#pragma once

#include <metrics/abi.h>
#include <metrics/client.hpp>
#include <metrics/config.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metrics::test {

struct RecordedSample {
  std::string backend;
  uint32_t kind = 0;
  std::string name;
  double value = 0;
  double sample_rate = 0;
  std::string unit;
  std::string instance;
  std::string member;
  std::vector<std::pair<std::string, std::string>> tags;

  /// "k:v,k2:v2", in the order the backend received them.
  std::string tags_text() const;
};

struct RecordedEvent {
  std::string backend;
  std::string title;
  std::string text;
  uint32_t alert_type = 0;
  std::vector<std::pair<std::string, std::string>> tags;
};

class Recorder {
 public:
  static Recorder& instance();
  void add(RecordedSample s);
  void add(RecordedEvent e);
  std::vector<RecordedSample> samples();
  std::vector<RecordedEvent> events();
  void clear();

 private:
  std::mutex mutex_;
  std::vector<RecordedSample> samples_;
  std::vector<RecordedEvent> events_;
};

/// Clears the recorder on construction, for one test.
struct RecorderScope {
  RecorderScope() { Recorder::instance().clear(); }
  std::vector<RecordedSample> samples() { return Recorder::instance().samples(); }
  std::vector<RecordedEvent> events() { return Recorder::instance().events(); }
};

/// The total that CountingBackend instances added to.
extern std::atomic<int64_t> g_counted;

/// Called by test.recording.ReentrantBackend from inside its emit, with the sample's
/// name; empty: nothing happens.
extern std::function<void(std::string_view)> g_reenter;

/// Config text that loads `backend` with plugin_path pointing at the test plugins.
std::string config_for(const std::string& backend, const std::string& extra_metrics_keys = "",
                       const std::string& options = "");

/// A client on test.recording.RecordingBackend, its config read from "recording.toml"
/// with `extra_metrics_keys` added to [metrics].
metrics::Client recording_client(const std::string& extra_metrics_keys = "");

/// A CountingBackend config whose one config tag is `side = label`: configs of two labels
/// differ, so each apply between them creates a new backend instance.
metrics::Config counting_config(const std::string& label);

/// The samples that `calls` sends to RecordingBackend instances (the recorder is cleared
/// first).
std::vector<RecordedSample> record(const std::function<void()>& calls);

/// Checks, field by field (Catch CHECKs), that two recordings hold the same samples.
void check_same_samples(const std::vector<RecordedSample>& a, const std::vector<RecordedSample>& b);

}  // namespace metrics::test
