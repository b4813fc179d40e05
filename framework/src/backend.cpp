#include "backend.hpp"

#include "log.hpp"

#include <metrics/errors.hpp>

namespace metrics::detail {

std::shared_ptr<Backend> Backend::create(std::string dotted_name, std::shared_ptr<Module> module,
                                         const ClassInfo& cls, const OptionTable* options,
                                         const std::string& config_file,
                                         std::shared_ptr<TelemetryStore> telemetry) {
  std::shared_ptr<Backend> b(new Backend);
  b->options_ = OptionValues::build(cls, dotted_name, options, config_file);
  b->module_ = std::move(module);
  b->telemetry_ = std::move(telemetry);
  b->name_ = std::move(dotted_name);
  b->cls_ = cls;
  b->vtable_ = cls.vtable;
  if (cls.capabilities & METRICS_CAP_SINGLE_THREADED) b->serial_ = std::make_unique<std::mutex>();
  b->host_api_ = metrics_host_api_t{sizeof(metrics_host_api_t), 0, b.get(), &Backend::host_log,
                                    &Backend::host_count};

  std::string class_only = cls.name;
  metrics_create_args_t args{sizeof(metrics_create_args_t),
                             0,
                             {class_only.data(), class_only.size()},
                             b->options_->data(),
                             b->options_->size(),
                             &b->host_api_};
  char error[1024] = {0};
  void* instance = nullptr;
  int32_t status = b->vtable_.create(&args, &instance, error, sizeof(error));
  if (status != METRICS_OK || instance == nullptr) {
    error[sizeof(error) - 1] = '\0';
    std::string reason =
        error[0] != '\0' ? error : "create failed with status " + std::to_string(status);
    throw LoadError(b->name_ + ": the backend refused to start: " + reason);
  }
  b->instance_ = instance;
  return b;
}

Backend::~Backend() {
  if (instance_ == nullptr) return;
  flush(kDestroyFlushTimeoutMs);
  vtable_.destroy(instance_);
  instance_ = nullptr;
}

int32_t Backend::event(const metrics_event_t& event) noexcept {
  if (vtable_.event == nullptr) return METRICS_ERR_UNSUPPORTED;
  if (serial_) {
    std::lock_guard lock(*serial_);
    return vtable_.event(instance_, &event);
  }
  return vtable_.event(instance_, &event);
}

int32_t Backend::flush(int64_t timeout_ms) noexcept {
  if (vtable_.flush == nullptr) return METRICS_OK;
  if (serial_) {
    std::lock_guard lock(*serial_);
    return vtable_.flush(instance_, timeout_ms);
  }
  return vtable_.flush(instance_, timeout_ms);
}

void Backend::host_log(void* context, uint32_t level, metrics_str_t message) try {
  auto* self = static_cast<Backend*>(context);
  auto lvl = level <= METRICS_LOG_ERROR ? static_cast<spdlog::level::level_enum>(level)
                                        : spdlog::level::err;
  std::string_view text(message.data, message.size);
  // Rate-limited per backend and per message start, so a plugin may log from a loop.
  std::string key = self->name_ + "|" + std::string(text.substr(0, 40));
  log_limited(lvl, key, self->name_ + ": " + std::string(text));
} catch (...) {
}

void Backend::host_count(void* context, metrics_str_t name, int64_t delta) {
  auto* self = static_cast<Backend*>(context);
  self->telemetry_->add(std::string_view(name.data, name.size), delta);
}

}  // namespace metrics::detail
