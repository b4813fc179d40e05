// Reloading from the config file, and watching it (and the plugin files it uses).
#include "client_core.hpp"
#include "log.hpp"

namespace metrics::detail {

ReloadResult ClientCore::fail_reload(const std::string& why) noexcept {
  telemetry_->add("reloads.failed", 1);
  log_limited(spdlog::level::err, "reload-failed",
              "metrics: reload failed, the running backends stay: " + why);
  return {ReloadResult::Status::failed, why};
}

std::string ClientCore::config_source() const {
  ReadSection section;
  return current_.load(std::memory_order_acquire)->config.source;
}

bool ClientCore::plugin_files_changed() const {
  ReadSection section;
  for (const auto& r : current_.load(std::memory_order_acquire)->routes)
    if (r.backend->module().file_changed()) return true;
  return false;
}

ReloadResult ClientCore::reload() noexcept {
  std::lock_guard lock(reload_mutex_);
  try {
    Config current = config();
    if (current.source.empty() || current.source.front() == '<')
      return {ReloadResult::Status::unchanged, "the config did not come from a file"};
    Config next = Config::from_file(current.source);  // a bad file throws, caught below
    if (next.source_text == current.source_text && !plugin_files_changed())
      return {ReloadResult::Status::unchanged, "neither the config nor a plugin it uses changed"};
    return apply(std::move(next));
  } catch (const std::exception& e) {
    return fail_reload(e.what());
  } catch (...) {
    return fail_reload("unknown error");
  }
}

void ClientCore::watch(std::chrono::milliseconds interval) {
  stop_watching();
  {
    std::lock_guard lock(watch_mutex_);
    watch_stop_ = false;
  }
  watcher_ = std::thread([this, interval] {
    FileIdentity seen = identity_of(config_source());
    std::unique_lock lock(watch_mutex_);
    while (!watch_wakeup_.wait_for(lock, interval, [this] { return watch_stop_; })) {
      lock.unlock();
      try {
        FileIdentity now = identity_of(config_source());
        if (now.exists() && (now != seen || plugin_files_changed())) {
          seen = now;
          ReloadResult r = reload();
          if (r.status == ReloadResult::Status::swapped)
            logger()->info("metrics: config or plugin changed on disk: {}", r.message);
        }
      } catch (...) {
        // A watcher that throws would end the process; a missed poll costs nothing.
      }
      lock.lock();
    }
  });
}

void ClientCore::stop_watching() noexcept {
  {
    std::lock_guard lock(watch_mutex_);
    watch_stop_ = true;
  }
  watch_wakeup_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

}  // namespace metrics::detail
