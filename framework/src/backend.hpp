// One created backend instance: its module (kept loaded while the instance lives), its
// options, the host services it was given, and its function table.
#pragma once

#include <metrics/abi.h>

#include "config_internal.hpp"
#include "module.hpp"
#include "option_values.hpp"
#include "telemetry_store.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace metrics::detail {

/// A backend's emit entry with the instance it takes.
struct DirectEmit {
  int32_t (*emit)(void* instance, const metrics_sample_t* sample) = nullptr;
  void* instance = nullptr;
};

class Backend {
 public:
  /// Checks options against the class's schema and calls the plugin's create. Throws
  /// ConfigError (options) or LoadError (create refused, with the plugin's reason).
  static std::shared_ptr<Backend> create(std::string dotted_name, std::shared_ptr<Module> module,
                                         const ClassInfo& cls, const OptionTable* options,
                                         const std::string& config_file,
                                         std::shared_ptr<TelemetryStore> telemetry);

  /// Flushes (within kDestroyFlushTimeout) and destroys the instance; the module may be
  /// unloaded right after.
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  int32_t emit(const metrics_sample_t& sample) noexcept {
    if (serial_) {
      std::lock_guard lock(*serial_);
      return vtable_.emit(instance_, &sample);
    }
    return vtable_.emit(instance_, &sample);
  }
  /// The plugin's emit and instance, for a caller that may call it without the host's
  /// lock; {nullptr, nullptr} for a single-threaded class, whose emits go through emit().
  DirectEmit direct_emit() const noexcept {
    return serial_ ? DirectEmit{} : DirectEmit{vtable_.emit, instance_};
  }
  bool has_events() const noexcept { return vtable_.event != nullptr; }
  int32_t event(const metrics_event_t& event) noexcept;
  int32_t flush(int64_t timeout_ms) noexcept;

  const std::string& name() const noexcept { return name_; }
  const Module& module() const noexcept { return *module_; }
  const ClassInfo& class_info() const noexcept { return cls_; }
  std::vector<std::string> describe_options() const { return options_->describe(); }

  static constexpr int64_t kDestroyFlushTimeoutMs = 5000;

 private:
  Backend() = default;
  static void host_log(void* context, uint32_t level, metrics_str_t message);
  static void host_count(void* context, metrics_str_t name, int64_t delta);

  // Declared first so it is destroyed last: the library outlives the instance.
  std::shared_ptr<Module> module_;
  std::shared_ptr<TelemetryStore> telemetry_;
  std::string name_;
  ClassInfo cls_;
  metrics_backend_vtable_t vtable_{};
  std::unique_ptr<OptionValues> options_;
  metrics_host_api_t host_api_{};
  std::unique_ptr<std::mutex> serial_;  // for METRICS_CAP_SINGLE_THREADED classes
  void* instance_ = nullptr;
};

}  // namespace metrics::detail
